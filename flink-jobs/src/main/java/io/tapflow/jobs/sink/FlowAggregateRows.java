package io.tapflow.jobs.sink;

import io.tapflow.jobs.operator.FlowAggregateRow;
import java.util.List;

/** A flow aggregate → a row of flows_1m or flows_1h. The version is the number of flows folded in. */
public final class FlowAggregateRows extends TableRows<FlowAggregateRow> {
    private static final long serialVersionUID = 1L;
    private static final List<String> COLUMNS = List.of("window_start", "link_id", "l4_proto", "app", "src_addr",
            "dst_addr", "service_port", "flows", "packets", "bytes", "ver");

    public FlowAggregateRows(String table) {
        super(table, COLUMNS);
    }

    @Override
    public void encode(FlowAggregateRow r, RowBinaryOutput out) {
        out.dateTimeOfMillis(r.windowStartMs)
                .string(r.linkId)
                .uint8(r.l4Proto)
                .string(r.app)
                .fixedString(r.srcAddr, 16)
                .fixedString(r.dstAddr, 16)
                .uint16(r.servicePort)
                .uint64(r.flows)
                .uint64(r.packets)
                .uint64(r.bytes)
                .uint64(r.flows);
    }
}
