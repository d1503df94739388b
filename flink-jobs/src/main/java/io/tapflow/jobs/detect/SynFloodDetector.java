package io.tapflow.jobs.detect;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * SYN floods per victim (keyed by link, destination address and port): half-open attempts ({@link TcpFlags#halfOpen})
 * over a sliding window ({@link DetectSettings#floodWindow()} in {@code floodStep} buckets, timed by each attempt's
 * SYN, the flow's first packet). The window crosses when it holds at least {@code floodMinAttempts} attempts at a rate
 * of at least {@code floodRatePerSecond}, the rate taken over the span from the window's first attempt to the
 * current one (at least {@code floodMinSpan}): a 200 ms burst is judged by its own rate, not diluted over a minute.
 *
 * <p>Episodes: the first crossing raises one OPEN alert; the episode closes with one CLOSED alert (final evidence)
 * once a whole window went by without crossing, or at end of input.
 *
 * <p>Admission: a victim gets keyed state only at its second attempt within {@link #admitWithinMs} (the time a
 * minimal flood takes: {@code floodMinAttempts / floodRatePerSecond}, 400 ms by default, at least
 * {@code floodMinSpan}); until then its last attempt's time is kept in a fixed table per subtask
 * ({@link RecentSightings}, {@value #SIGHTINGS_WIDTH} × 3 cells, 1.5 MiB, in operator state), and the admitting
 * attempt brings the previous one's time into the window. A sweep of a million destinations, one SYN each, so leaves
 * no per-victim state instead of a million keys for a whole window. A flood (hundreds of attempts a second) is
 * admitted at its second attempt; only the first attempt's initiator is missing from its evidence.
 *
 * <p>Counters: {@code flowsCounted}, {@code lateAttempts} (older than the ring's oldest bucket: in the episode's
 * evidence, not in the rate), {@code unadmittedAttempts} (no recent earlier attempt on the victim: no state),
 * {@code victimsAdmitted}, {@code episodesOpened}, {@code episodesClosed}.
 */
public final class SynFloodDetector extends KeyedProcessFunction<BinaryKey, FlowRecord, Alert>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    public static final String DETECTOR = "syn_flood";

    private final DetectSettings settings;
    private final long windowMs;
    private final long stepMs;
    static final int SIGHTINGS_WIDTH = 1 << 17;
    private final long admitWithinMs;
    private transient ValueState<FloodState> state;
    private transient RecentSightings sightings;
    private transient ListState<int[]> sightingsState;
    private transient Counter unadmittedAttempts;
    private transient Counter victimsAdmitted;
    private transient Counter flowsCounted;
    private transient Counter lateAttempts;
    private transient Counter episodesOpened;
    private transient Counter episodesClosed;

    public SynFloodDetector(DetectSettings settings) {
        this.settings = settings;
        this.windowMs = settings.floodWindow().toMillis();
        this.stepMs = settings.floodStep().toMillis();
        this.admitWithinMs = Math.max(settings.floodMinSpan().toMillis(),
                (long) Math.ceil(settings.floodMinAttempts() * 1000.0 / settings.floodRatePerSecond()));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        sightings = new RecentSightings(SIGHTINGS_WIDTH);
        // Union: after a rescale each subtask folds in every saved table (the later time per cell), so no victim's
        // last sighting is lost whichever subtask now owns it.
        sightingsState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("recent-victims", PrimitiveArrayTypeInfo.INT_PRIMITIVE_ARRAY_TYPE_INFO));
        for (int[] saved : sightingsState.get()) {
            sightings.merge(saved);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        sightingsState.update(List.of(sightings.toInts()));
    }

    @Override
    public void open(OpenContext context) {
        var ctx = getRuntimeContext();
        state = ctx.getState(new ValueStateDescriptor<>("flood", TypeInformation.of(FloodState.class)));
        var metrics = ctx.getMetricGroup();
        flowsCounted = metrics.counter("flowsCounted");
        lateAttempts = metrics.counter("lateAttempts");
        episodesOpened = metrics.counter("episodesOpened");
        episodesClosed = metrics.counter("episodesClosed");
        unadmittedAttempts = metrics.counter("unadmittedAttempts");
        victimsAdmitted = metrics.counter("victimsAdmitted");
    }

    /** The victim (link, destination address and port) as the sightings table's subject; allocates nothing. */
    private static long victim(FlowRecord r) {
        return Hashes.mix(Hashes.address(r.getDstAddr().bytes()) ^ Hashes.port(r.getDstPort()) ^ r.getLinkId().hashCode());
    }

    @Override
    public void processElement(FlowRecord r, Context ctx, Collector<Alert> out) throws Exception {
        if (!TcpFlags.halfOpen(r)) {
            return;
        }
        flowsCounted.inc();
        long t = r.getFirstMs();
        FloodState s = state.value();
        if (s == null) {
            long previous = sightings.see(victim(r), t);
            if (previous == RecentSightings.NONE || Math.abs(t - previous) > admitWithinMs) {
                unadmittedAttempts.inc();
                return;
            }
            victimsAdmitted.inc();
            s = new FloodState(settings.floodBuckets());
            s.episode.linkId = r.getLinkId();
            s.episode.subjectAddr = r.getDstAddr().bytes().clone();
            s.episode.subjectPort = r.getDstPort();
            // The attempt that was only sighted: its time and count (its initiator is not known).
            long p = Math.min(previous, t);
            if (!s.add(p, stepMs)) {
                lateAttempts.inc();
            }
            s.episode.attempts++;
            s.episode.firstSeenMs = p;
            s.episode.lastSeenMs = p;
            s.lastAttemptMs = p;
        }
        byte[] initiator = r.getSrcAddr().bytes();
        s.episode.count(r, initiator);
        s.initiators.add(Hashes.address(initiator));
        s.lastAttemptMs = Math.max(s.lastAttemptMs, t);
        if (!s.add(t, stepMs)) {
            lateAttempts.inc();
        } else {
            long attempts = s.attempts(t, stepMs);
            long first = s.firstMs(t, stepMs);
            double rate = attempts * 1000.0 / Math.max(t - first, settings.floodMinSpan().toMillis());
            if (attempts >= settings.floodMinAttempts() && rate >= settings.floodRatePerSecond()) {
                s.lastCrossMs = Math.max(s.lastCrossMs, t);
                boolean opens = !s.episode.open;
                if (opens) {
                    s.episode.open = true;
                    s.episode.episodeId = t;
                    s.episode.attempts = attempts; // the episode starts with the window that crossed
                    s.episode.firstSeenMs = first;
                }
                s.episode.observe(1, s.initiators.count(), rate / settings.floodRatePerSecond(), "half_open", first, t);
                if (opens) {
                    episodesOpened.inc();
                    out.collect(s.episode.alert(DETECTOR, AlertState.OPEN));
                }
            }
        }
        if (s.timerAtMs == FloodState.NONE) {
            schedule(s, ctx.timerService());
        }
        state.update(s);
    }

    /** The current key's state (tests measure its size). */
    FloodState current() throws java.io.IOException {
        return state.value();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        FloodState s = state.value();
        if (s == null) {
            return;
        }
        s.timerAtMs = FloodState.NONE;
        if (s.episode.open && timestamp >= s.lastCrossMs + windowMs) {
            episodesClosed.inc();
            out.collect(s.episode.alert(DETECTOR, AlertState.CLOSED));
            s.episode = s.episode.restart();
        }
        if (!s.episode.open && timestamp >= s.lastAttemptMs + windowMs) {
            state.clear(); // every bucket has expired: nothing left to remember
            return;
        }
        schedule(s, ctx.timerService());
        state.update(s);
    }

    /** One timer per victim: the episode's close check while open, else the moment every bucket has expired. */
    private void schedule(FloodState s, TimerService timers) {
        s.timerAtMs = s.episode.open ? s.lastCrossMs + windowMs : s.lastAttemptMs + windowMs;
        timers.registerEventTimeTimer(s.timerAtMs);
    }
}
