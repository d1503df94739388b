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
 * Port scans and address sweeps per source (keyed by link and source address), as Zeek's scan.zeek: over a window
 * ({@link DetectSettings#scanWindow()}, starting at the source's first counted flow) of connections that failed or
 * moved no data ({@link TcpFlags#failedOrDataless}), {@code scanPorts} distinct ports on one destination host make a
 * vertical scan and {@code scanHosts} distinct hosts on one destination port a horizontal sweep.
 *
 * <p>Episodes: the first window that crosses either threshold raises one OPEN alert; later windows that cross extend
 * the episode silently; a window that ends below both thresholds, or a whole quiet window with nothing counted,
 * closes it with one CLOSED alert carrying the episode's final evidence. End of input (the last watermark) closes
 * every open episode. Event time is the flow's last packet.
 *
 * <p>Counters: {@code flowsCounted}, {@code untrackedPeers} (hosts or ports over the per-window bound, left out of
 * the per-host or per-port counts), {@code episodesOpened}, {@code episodesClosed}.
 */
public final class PortScanDetector extends KeyedProcessFunction<BinaryKey, FlowRecord, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String DETECTOR = "port_scan";

    private final DetectSettings settings;
    private final long windowMs;
    private transient ValueState<ScanState> state;
    private transient Counter flowsCounted;
    private transient Counter untrackedPeers;
    private transient Counter episodesOpened;
    private transient EpisodeWindows windows;

    public PortScanDetector(DetectSettings settings) {
        this.settings = settings;
        this.windowMs = settings.scanWindow().toMillis();
    }

    @Override
    public void open(OpenContext context) {
        var ctx = getRuntimeContext();
        state = ctx.getState(new ValueStateDescriptor<>("scan", TypeInformation.of(ScanState.class)));
        var metrics = ctx.getMetricGroup();
        flowsCounted = metrics.counter("flowsCounted");
        untrackedPeers = metrics.counter("untrackedPeers");
        episodesOpened = metrics.counter("episodesOpened");
        windows = new EpisodeWindows(DETECTOR, windowMs, metrics.counter("episodesClosed"));
    }

    @Override
    public void processElement(FlowRecord r, Context ctx, Collector<Alert> out) throws Exception {
        if (!TcpFlags.failedOrDataless(r)) {
            return; // most flows: no state touched
        }
        flowsCounted.inc();
        long t = r.getLastMs();
        ScanState s = state.value();
        if (s == null) {
            s = new ScanState();
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
        long host = Hashes.address(dst);
        DistinctCounter ports = counter(s.portsByHost, host);
        if (ports != null) {
            ports.add(Hashes.port(r.getDstPort()));
            s.maxPorts = Math.max(s.maxPorts, ports.count());
        }
        DistinctCounter hosts = counter(s.hostsByPort, r.getDstPort());
        if (hosts != null) {
            hosts.add(host);
            s.maxHosts = Math.max(s.maxHosts, hosts.count());
        }
        boolean vertical = s.maxPorts >= settings.scanPorts();
        boolean horizontal = s.maxHosts >= settings.scanHosts();
        if (vertical || horizontal) {
            String kind = vertical && horizontal ? "vertical+horizontal" : vertical ? "vertical" : "horizontal";
            double score = Math.max((double) s.maxPorts / settings.scanPorts(), (double) s.maxHosts / settings.scanHosts());
            s.episode.observe(s.maxPorts, s.maxHosts, score, kind, s.windowStartMs, s.windowEndMs);
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

    private <K> DistinctCounter counter(java.util.Map<K, DistinctCounter> counters, K key) {
        DistinctCounter c = counters.get(key);
        if (c == null) {
            if (counters.size() >= settings.maxTrackedPerScanner()) {
                untrackedPeers.inc();
                return null;
            }
            c = new DistinctCounter();
            counters.put(key, c);
        }
        return c;
    }

    /** The current key's state (tests measure its size). */
    ScanState current() throws java.io.IOException {
        return state.value();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        windows.onTimer(state, timestamp, ctx.timerService(), out);
    }
}
