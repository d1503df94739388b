package io.tapflow.jobs.detect;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Host fan-out, as PNA's connection monitor: per source (keyed by link and source address), in a window
 * ({@link DetectSettings#fanOutWindow()}, starting at the source's first connection), {@code fanOutPeers} distinct
 * destination addresses ({@code peers}) or {@code fanOutConnections} connections ({@code connections}). A connection
 * is a flow the source initiated: a TCP flow with the source's SYN, or any UDP, ICMP or other flow (the agent's
 * source is its first packet's sender). TCP flows without the initiator's SYN (started before the capture,
 * active-timeout slices) are not counted, so a long connection is one connection, not one per slice.
 *
 * <p>Episodes as {@link PortScanDetector}: one OPEN alert when the first window crosses, one CLOSED alert with the
 * final evidence after a window without crossing or a whole quiet window (or at end of input). A scanner is also a
 * fan-out: both detectors report it. Event time is the flow's last packet.
 *
 * <p>Counters: {@code flowsCounted}, {@code episodesOpened}, {@code episodesClosed}.
 */
public final class FanOutDetector extends KeyedProcessFunction<BinaryKey, FlowRecord, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String DETECTOR = "fan_out";

    private final DetectSettings settings;
    private final long windowMs;
    private transient ValueState<FanOutState> state;
    private transient Counter flowsCounted;
    private transient Counter episodesOpened;
    private transient EpisodeWindows windows;

    public FanOutDetector(DetectSettings settings) {
        this.settings = settings;
        this.windowMs = settings.fanOutWindow().toMillis();
    }

    @Override
    public void open(OpenContext context) {
        var ctx = getRuntimeContext();
        state = ctx.getState(new ValueStateDescriptor<>("fan-out", TypeInformation.of(FanOutState.class)));
        var metrics = ctx.getMetricGroup();
        flowsCounted = metrics.counter("flowsCounted");
        episodesOpened = metrics.counter("episodesOpened");
        windows = new EpisodeWindows(DETECTOR, windowMs, metrics.counter("episodesClosed"));
    }

    /** A connection the source opened: TCP with its SYN, or any other protocol. */
    static boolean initiated(FlowRecord r) {
        return r.getL4Proto() != TcpFlags.TCP || (r.getTcpFlagsFwd() & TcpFlags.SYN) != 0;
    }

    @Override
    public void processElement(FlowRecord r, Context ctx, Collector<Alert> out) throws Exception {
        if (!initiated(r)) {
            return;
        }
        flowsCounted.inc();
        long t = r.getLastMs();
        FanOutState s = state.value();
        if (s == null) {
            s = new FanOutState();
            s.peers = DistinctCounter.exactUpTo(settings.fanOutPeers());
            s.episode.linkId = r.getLinkId();
            s.episode.subjectAddr = r.getSrcAddr().bytes().clone();
        }
        if (s.windowActive() && t >= s.windowEndMs) {
            windows.endWindow(s, ctx.timerService(), out); // ahead of the watermark, which has not fired the window's timer yet
        }
        if (!s.windowActive()) {
            s.startWindow(t, windowMs);
            ctx.timerService().registerEventTimeTimer(s.windowEndMs);
        }
        byte[] dst = r.getDstAddr().bytes();
        s.episode.count(r, dst);
        s.peers.add(Hashes.address(dst));
        s.connections++;
        long peers = s.peers.count();
        boolean manyPeers = peers >= settings.fanOutPeers();
        boolean manyConnections = s.connections >= settings.fanOutConnections();
        if (manyPeers || manyConnections) {
            String kind = manyPeers && manyConnections ? "peers+connections" : manyPeers ? "peers" : "connections";
            double score = Math.max((double) peers / settings.fanOutPeers(),
                    (double) s.connections / settings.fanOutConnections());
            for (String k : kind.split("\\+")) { // one at a time: the episode's kind lists each once
                s.episode.observe(0, peers, score, k, s.windowStartMs, s.windowEndMs);
            }
            s.crossed = true;
            if (!s.episode.open) {
                s.episode.open = true;
                s.episode.episodeId = t;
                episodesOpened.inc();
                out.collect(s.episode.alert(DETECTOR, AlertState.OPEN));
            }
        }
        state.update(s);
    }

    /** The current key's state (tests measure its size). */
    FanOutState current() throws java.io.IOException {
        return state.value();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        windows.onTimer(state, timestamp, ctx.timerService(), out);
    }
}
