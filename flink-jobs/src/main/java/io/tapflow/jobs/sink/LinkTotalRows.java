package io.tapflow.jobs.sink;

import io.tapflow.jobs.operator.LinkTotalRow;
import java.util.List;

/** A link's window totals → a row of links_1m or links_1h. The version is the number of flows folded in. */
public final class LinkTotalRows extends TableRows<LinkTotalRow> {
    private static final long serialVersionUID = 1L;
    private static final List<String> COLUMNS =
            List.of("window_start", "link_id", "flows", "packets", "bytes", "ver");

    public LinkTotalRows(String table) {
        super(table, COLUMNS);
    }

    @Override
    public void encode(LinkTotalRow r, RowBinaryOutput out) {
        out.dateTimeOfMillis(r.windowStartMs).string(r.linkId).uint64(r.flows).uint64(r.packets).uint64(r.bytes)
                .uint64(r.flows);
    }
}
