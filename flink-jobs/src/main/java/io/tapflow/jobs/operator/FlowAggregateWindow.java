package io.tapflow.jobs.operator;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Stamps a flow aggregate with its window and key columns. */
public final class FlowAggregateWindow extends ProcessWindowFunction<Totals, FlowAggregateRow, BinaryKey, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(BinaryKey key, Context ctx, Iterable<Totals> totals, Collector<FlowAggregateRow> out) {
        Totals t = totals.iterator().next();
        FlowAggregateRow row = AggregateKeys.decodeFlowKey(key, new FlowAggregateRow());
        row.windowStartMs = ctx.window().getStart();
        row.flows = t.flows;
        row.packets = t.packets;
        row.bytes = t.bytes;
        out.collect(row);
    }
}
