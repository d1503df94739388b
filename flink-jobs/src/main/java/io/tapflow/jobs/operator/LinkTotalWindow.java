package io.tapflow.jobs.operator;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Stamps a link's totals with their window. */
public final class LinkTotalWindow extends ProcessWindowFunction<Totals, LinkTotalRow, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(String linkId, Context ctx, Iterable<Totals> totals, Collector<LinkTotalRow> out) {
        Totals t = totals.iterator().next();
        LinkTotalRow row = new LinkTotalRow();
        row.windowStartMs = ctx.window().getStart();
        row.linkId = linkId;
        row.flows = t.flows;
        row.packets = t.packets;
        row.bytes = t.bytes;
        out.collect(row);
    }
}
