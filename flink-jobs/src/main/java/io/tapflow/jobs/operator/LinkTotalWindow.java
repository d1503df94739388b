package io.tapflow.jobs.operator;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Stamps a link's totals with their window. */
public final class LinkTotalWindow extends ProcessWindowFunction<Totals, LinkTotalRow, BinaryKey, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(BinaryKey key, Context ctx, Iterable<Totals> totals, Collector<LinkTotalRow> out) {
        Totals t = totals.iterator().next();
        LinkTotalRow row = new LinkTotalRow();
        row.windowStartMs = ctx.window().getStart();
        row.linkId = AggregateKeys.decodeLinkKey(key);
        row.flows = t.flows;
        row.packets = t.packets;
        row.bytes = t.bytes;
        out.collect(row);
    }
}
