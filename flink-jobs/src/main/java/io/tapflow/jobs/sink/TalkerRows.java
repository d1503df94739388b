package io.tapflow.jobs.sink;

import io.tapflow.jobs.operator.TalkerRow;
import java.util.List;

/** A ranked talker → a row of talkers_1m or talkers_1h. */
public final class TalkerRows extends TableRows<TalkerRow> {
    private static final long serialVersionUID = 1L;
    private static final List<String> COLUMNS =
            List.of("window_start", "link_id", "rank", "addr", "flows", "packets", "bytes", "ver");

    public TalkerRows(String table) {
        super(table, COLUMNS);
    }

    @Override
    public void encode(TalkerRow r, RowBinaryOutput out) {
        out.dateTimeOfMillis(r.windowStartMs).string(r.linkId).uint16(r.rank).fixedString(r.addr, 16)
                .uint64(r.flows).uint64(r.packets).uint64(r.bytes).uint64(r.version);
    }
}
