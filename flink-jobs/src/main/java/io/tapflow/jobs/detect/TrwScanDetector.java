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
 * Fast scan detection by Threshold Random Walk ({@link TrwSettings}), per source (keyed by link and source address).
 * Its own detector name, {@value #DETECTOR}, so that its episodes never share an identity with
 * {@link PortScanDetector}'s (both may report one scanner: TRW after a handful of failures, port_scan at 15 ports or
 * 25 hosts).
 *
 * <p>What counts: TCP connections the source opened (its SYN seen) to a destination, {address, port}, it has not
 * contacted before in the window: Jung et al.'s first-contact restriction, so a client retrying a dead server is one
 * failure, not one per retry. The destination includes the port, so a vertical scan of one host is judged too. A
 * first contact succeeds when the responder answered it (SYN-ACK, any reverse packet other than a bare RST, or
 * the initiator's own ACK, which it only sends once the SYN-ACK arrived: a tap that sees one direction, as
 * ocs.pcap, shows only that) and fails when it did not (nothing back, or a RST, and no ACK from the initiator). UDP is not judged: without a handshake, silence does not mean
 * nobody is there (syslog, NetFlow, SNMP traps and media streams are one-way by design), so UDP "failures" would
 * count benign senders. ICMP unreachables are separate flow records the agent does not tie to the connection they
 * refuse, so they are not used.
 *
 * <p>Peer churn: a crossing whose failures each went to a distinct host on a distinct high port (≥ 1024;
 * {@link TrwSettings#peerChurnRatio()}) raises nothing and restarts the walk ({@code peerChurnCrossings}). That is a
 * P2P client trying stale peers from its host cache, each listening on a port of its own (gnutella.pcap's servent:
 * 90 of its 151 first contacts fail), Karagiannis et al.'s {IP, port} signature; scanners concentrate their failures
 * on one host (vertical) or on one port (horizontal). The price: a scan of random high ports on random hosts is not
 * reported by TRW (the fan-out detector still sees its breadth).
 *
 * <p>Order: outcomes are walked in arrival order, that is flow end (event time is the flow's last packet), without
 * buffering to the watermark to sort by start: a connection's outcome is only known at its end, as in the paper's
 * online version, and Λ is a product, so order only matters at the η0 restarts. Sorting by first packet would hold
 * every flow for up to the agent's active timeout per source.
 *
 * <p>Episodes as {@link PortScanDetector}: crossing η1 raises one OPEN alert (kind {@code trw}) and restarts the
 * walk, so a continuing scan crosses again and keeps the episode open; a window without a crossing, or a whole quiet
 * window, closes it with one CLOSED alert. Crossing η0 restarts the walk and keeps the contacted destinations.
 * Evidence: {@code attempts} first contacts judged in the episode, {@code distinct_hosts} and {@code distinct_ports}
 * among them in the window that crossed last, {@code score} ln Λ / ln η1 at the highest crossing.
 *
 * <p>Counters: {@code firstContacts}, {@code failures}, {@code repeatContacts} (destinations already contacted),
 * {@code untrackedDestinations} (new destinations past {@link TrwSettings#maxTracked()}, not judged),
 * {@code benignResets}, {@code peerChurnCrossings}, {@code episodesOpened}, {@code episodesClosed}.
 */
public final class TrwScanDetector extends KeyedProcessFunction<BinaryKey, FlowRecord, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String DETECTOR = "trw_scan";
    public static final String KIND = "trw";

    /** A flow's outcome as a first contact. */
    enum Outcome { NOT_JUDGED, SUCCESS, FAILURE }

    private final TrwSettings settings;
    private final long windowMs;
    private final double logUpper;
    private final double logLower;
    private final double logSuccess;
    private final double logFailure;
    private transient ValueState<TrwState> state;
    private transient Counter firstContacts;
    private transient Counter failures;
    private transient Counter repeatContacts;
    private transient Counter untrackedDestinations;
    private transient Counter benignResets;
    private transient Counter peerChurnCrossings;
    private transient Counter episodesOpened;
    private transient EpisodeWindows windows;

    public TrwScanDetector(TrwSettings settings) {
        this.settings = settings;
        this.windowMs = settings.window().toMillis();
        this.logUpper = settings.logUpper();
        this.logLower = settings.logLower();
        this.logSuccess = settings.logSuccess();
        this.logFailure = settings.logFailure();
    }

    /** A TCP connection the source opened: did the responder answer? Other flows are not judged. */
    static Outcome outcome(FlowRecord r) {
        if (r.getL4Proto() != TcpFlags.TCP || (r.getTcpFlagsFwd() & TcpFlags.SYN) == 0) {
            return Outcome.NOT_JUDGED; // UDP and others (see the class comment), or a connection seen mid-way
        }
        int rev = r.getTcpFlagsRev();
        if ((rev & TcpFlags.SYN) != 0 || (r.getTcpFlagsFwd() & TcpFlags.ACK) != 0) {
            return Outcome.SUCCESS; // the SYN-ACK, or the initiator's ACK of it: a one-way tap sees only the latter
        }
        if (r.getPacketsRev() == 0 || (rev & TcpFlags.RST) != 0) {
            return Outcome.FAILURE;
        }
        return Outcome.SUCCESS; // answered, though its SYN-ACK was not captured
    }

    @Override
    public void open(OpenContext context) {
        var ctx = getRuntimeContext();
        state = ctx.getState(new ValueStateDescriptor<>("trw", TypeInformation.of(TrwState.class)));
        var metrics = ctx.getMetricGroup();
        firstContacts = metrics.counter("firstContacts");
        failures = metrics.counter("failures");
        repeatContacts = metrics.counter("repeatContacts");
        untrackedDestinations = metrics.counter("untrackedDestinations");
        benignResets = metrics.counter("benignResets");
        peerChurnCrossings = metrics.counter("peerChurnCrossings");
        episodesOpened = metrics.counter("episodesOpened");
        windows = new EpisodeWindows(DETECTOR, windowMs, metrics.counter("episodesClosed"));
    }

    @Override
    public void processElement(FlowRecord r, Context ctx, Collector<Alert> out) throws Exception {
        Outcome outcome = outcome(r);
        if (outcome == Outcome.NOT_JUDGED) {
            return; // most flows: no state touched
        }
        long t = r.getLastMs();
        TrwState s = state.value();
        if (s == null) {
            s = new TrwState();
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
        long host = Hashes.address(dst);
        long port = Hashes.port(r.getDstPort());
        switch (s.contacted.add(Hashes.mix(host ^ port), settings.maxTracked())) {
            case SEEN -> {
                repeatContacts.inc();
                state.update(s);
                return;
            }
            case FULL -> {
                untrackedDestinations.inc();
                state.update(s);
                return;
            }
            case NEW -> firstContacts.inc();
        }
        s.episode.count(r, dst);
        s.hosts.add(host);
        s.ports.add(port);
        if (outcome == Outcome.FAILURE) {
            failures.inc();
            s.logRatio += logFailure;
            s.failedHosts.add(host);
            s.failedPorts.add(port);
            s.failuresOnHighPorts &= r.getDstPort() >= 1024;
        } else {
            s.logRatio += logSuccess;
        }
        if (s.logRatio >= logUpper && s.peerChurn(settings.peerChurnRatio())) {
            peerChurnCrossings.inc();
            s.restartWalk();
        } else if (s.logRatio >= logUpper) {
            s.episode.observe(s.ports.count(), s.hosts.count(), s.logRatio / logUpper, KIND, s.windowStartMs,
                    s.windowEndMs);
            s.crossed = true;
            s.restartWalk(); // a new test: a scan that goes on crosses again
            if (!s.episode.open) {
                s.episode.open = true;
                s.episode.episodeId = t;
                episodesOpened.inc();
                out.collect(s.episode.alert(DETECTOR, AlertState.OPEN));
            }
        } else if (s.logRatio <= logLower) {
            benignResets.inc();
            s.restartWalk();
        }
        state.update(s);
    }

    /** The current key's state (tests measure its size). */
    TrwState current() throws java.io.IOException {
        return state.value();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        windows.onTimer(state, timestamp, ctx.timerService(), out);
    }
}
