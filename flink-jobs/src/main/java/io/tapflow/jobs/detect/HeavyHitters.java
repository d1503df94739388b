package io.tapflow.jobs.detect;

import io.tapflow.schema.FlowRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Heavy hitters per link (keyed by link id): in tumbling event-time windows ({@link HeavyHitterSettings#window()},
 * aligned to the epoch; a flow belongs to the window of its last packet), four {@link SpaceSaving} sketches rank
 * source and destination addresses by bytes and by packets. When the watermark passes a window's end, its top
 * {@code topN} of each are emitted as {@link HeavyHitterRow}s (rank 1 first) and the window is dropped, so a link
 * holds at most its open windows' sketches (4 × counters × 48 bytes each, with their tables), whatever the number
 * of addresses.
 *
 * <p>A flow's addresses are read into longs and added in place: no allocation per flow (the heap state backend
 * hands out the live state object).
 *
 * <p>Counters: {@code flowsCounted}, {@code lateFlows} (their window was already emitted: dropped),
 * {@code windowsEmitted}.
 */
public final class HeavyHitters extends KeyedProcessFunction<String, FlowRecord, HeavyHitterRow> {
    private static final long serialVersionUID = 1L;

    private final HeavyHitterSettings settings;
    private final long windowMs;
    private transient ValueState<HeavyHitterState> state;
    private transient Counter flowsCounted;
    private transient Counter lateFlows;
    private transient Counter windowsEmitted;

    public HeavyHitters(HeavyHitterSettings settings) {
        this.settings = settings;
        this.windowMs = settings.window().toMillis();
    }

    @Override
    public void open(OpenContext context) {
        var ctx = getRuntimeContext();
        state = ctx.getState(new ValueStateDescriptor<>("heavy-hitters", TypeInformation.of(HeavyHitterState.class)));
        var metrics = ctx.getMetricGroup();
        flowsCounted = metrics.counter("flowsCounted");
        lateFlows = metrics.counter("lateFlows");
        windowsEmitted = metrics.counter("windowsEmitted");
    }

    @Override
    public void processElement(FlowRecord r, Context ctx, Collector<HeavyHitterRow> out) throws Exception {
        long start = Math.floorDiv(r.getLastMs(), windowMs) * windowMs;
        if (start + windowMs - 1 <= ctx.timerService().currentWatermark()) {
            lateFlows.inc(); // its window's rows are out already
            return;
        }
        HeavyHitterState s = state.value();
        if (s == null) {
            s = new HeavyHitterState();
        }
        HeavyHitterWindow w = s.window(start);
        if (w == null) {
            w = new HeavyHitterWindow(start, settings.counters());
            s.windows.add(w);
            ctx.timerService().registerEventTimeTimer(start + windowMs - 1);
        }
        byte[] src = r.getSrcAddr().bytes();
        byte[] dst = r.getDstAddr().bytes();
        w.add(SpaceSaving.half(src, 0), SpaceSaving.half(src, 8), SpaceSaving.half(dst, 0), SpaceSaving.half(dst, 8),
                r.getBytesFwd(), r.getBytesRev(), r.getPacketsFwd(), r.getPacketsRev());
        flowsCounted.inc();
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<HeavyHitterRow> out) throws Exception {
        HeavyHitterState s = state.value();
        if (s == null) {
            return;
        }
        long start = timestamp + 1 - windowMs;
        HeavyHitterWindow w = s.window(start);
        if (w != null) {
            String link = ctx.getCurrentKey();
            emit(link, w, HeavyHitterRow.SRC, HeavyHitterRow.BYTES, w.srcBytes, out);
            emit(link, w, HeavyHitterRow.SRC, HeavyHitterRow.PACKETS, w.srcPackets, out);
            emit(link, w, HeavyHitterRow.DST, HeavyHitterRow.BYTES, w.dstBytes, out);
            emit(link, w, HeavyHitterRow.DST, HeavyHitterRow.PACKETS, w.dstPackets, out);
            s.windows.remove(w);
            windowsEmitted.inc();
        }
        if (s.windows.isEmpty()) {
            state.clear();
        } else {
            state.update(s);
        }
    }

    private void emit(String link, HeavyHitterWindow w, String direction, String metric, SpaceSaving sketch,
                      Collector<HeavyHitterRow> out) {
        int[] top = sketch.top(settings.topN());
        long bound = sketch.minCount();
        for (int k = 0; k < top.length; k++) {
            int i = top[k];
            HeavyHitterRow row = new HeavyHitterRow();
            row.linkId = link;
            row.windowStartMs = w.startMs;
            row.windowEndMs = w.startMs + windowMs;
            row.direction = direction;
            row.metric = metric;
            row.rank = k + 1;
            row.addr = new byte[16];
            sketch.address(i, row.addr);
            row.estimate = sketch.estimate(i);
            row.error = sketch.error(i);
            row.total = sketch.total;
            row.bound = bound;
            row.counters = sketch.capacity();
            row.flows = w.flows;
            out.collect(row);
        }
    }

    /** The current key's state (tests measure its size). */
    HeavyHitterState current() throws java.io.IOException {
        return state.value();
    }
}
