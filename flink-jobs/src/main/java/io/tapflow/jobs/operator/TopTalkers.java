package io.tapflow.jobs.operator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The top N hosts of a link's window by bytes. Its input holds one host total per host, plus a newer one whenever
 * late records re-fired that host's window: the newest (most flows) wins, so a correction never counts a host twice.
 */
public final class TopTalkers extends ProcessWindowFunction<HostTotal, TalkerRow, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final int topN;

    public TopTalkers(int topN) {
        if (topN < 1) {
            throw new IllegalArgumentException("top-N must be at least 1, got " + topN);
        }
        this.topN = topN;
    }

    @Override
    public void process(String linkId, Context ctx, Iterable<HostTotal> hosts, Collector<TalkerRow> out) {
        Map<BinaryKey, HostTotal> latest = new HashMap<>();
        for (HostTotal h : hosts) {
            latest.merge(new BinaryKey(h.addr), h, (a, b) -> b.flows >= a.flows ? b : a);
        }
        long version = latest.values().stream().mapToLong(h -> h.flows).sum();
        List<HostTotal> ranked = new ArrayList<>(latest.values());
        ranked.sort(Comparator.comparingLong((HostTotal h) -> h.bytes).reversed()
                .thenComparing(h -> h.addr, java.util.Arrays::compareUnsigned));
        for (int i = 0; i < Math.min(topN, ranked.size()); i++) {
            HostTotal h = ranked.get(i);
            TalkerRow row = new TalkerRow();
            row.windowStartMs = ctx.window().getStart();
            row.linkId = linkId;
            row.rank = i + 1;
            row.addr = h.addr;
            row.flows = h.flows;
            row.packets = h.packets;
            row.bytes = h.bytes;
            row.version = version;
            out.collect(row);
        }
    }
}
