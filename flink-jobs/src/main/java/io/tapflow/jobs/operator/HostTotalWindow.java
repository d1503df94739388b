package io.tapflow.jobs.operator;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Stamps a host's totals with its window; emitted at the window's end, which is the time the talkers stage sees. */
public final class HostTotalWindow extends ProcessWindowFunction<Totals, HostTotal, BinaryKey, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(BinaryKey key, Context ctx, Iterable<Totals> totals, Collector<HostTotal> out) {
        Totals t = totals.iterator().next();
        HostTotal host = AggregateKeys.decodeHostKey(key, new HostTotal());
        host.windowStartMs = ctx.window().getStart();
        host.flows = t.flows;
        host.packets = t.packets;
        host.bytes = t.bytes;
        out.collect(host);
    }
}
