package io.tapflow.jobs.detect;

import io.tapflow.classifier.verdict.DnsSummary;
import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * DNS anomalies per client (keyed by link and the address that sent queries to port 53), in a tumbling window
 * ({@link DnsSettings#window()}, starting at the client's first query), on classified flows:
 * <ul>
 *   <li>{@code query_rate}: {@code maxQueries} queries in the window. Flow records alone (a UDP flow's packets to the
 *       server, one per TCP flow), so it works with payload sampling off.</li>
 *   <li>{@code nxdomain}: at least {@code nxdomainMin} NXDOMAIN responses, and at least {@code nxdomainRatio} of the
 *       answered queries. Needs the DPI verdict's response code (payload).</li>
 *   <li>{@code tunnel}: {@code tunnelMinNames} distinct suspicious names (a long, high-entropy part left of the
 *       registered domain, see {@link QueryNames}) under one registered domain. Needs the query name (payload).</li>
 * </ul>
 * DPI sees a flow's first query and its response, so a client that sends many queries over one socket (one flow) is
 * judged by the first of each flow for names and codes; its rate still counts every packet.
 *
 * <p>Episodes as the other tumbling-window detectors ({@link EpisodeWindows}): one OPEN alert when the first window
 * crosses, one CLOSED alert with the final evidence after a window without crossing or a whole quiet window (or at end
 * of input). The evidence: queries ({@code attempts}), responses and NXDOMAIN responses, the tunnel's domain and its
 * distinct names, up to 8 resolvers ({@code sample_peers}) and query names that counted ({@code sample_names}).
 *
 * <p>Counters: {@code flowsCounted}, {@code episodesOpened}, {@code episodesClosed}, {@code untrackedDomains}
 * (suspicious names under more registered domains than a window keeps, left out of the tunnel counts).
 */
public final class DnsAnomalyDetector extends KeyedProcessFunction<BinaryKey, ClassifiedFlow, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String DETECTOR = "dns_anomaly";
    static final int DNS_PORT = 53;

    /** The client: link and the address that queried. */
    public static final KeySelector<ClassifiedFlow, BinaryKey> CLIENT =
            c -> DetectKeys.of(c.flow.getLinkId(), c.flow.getSrcAddr().bytes(), -1);

    private final DnsSettings settings;
    private final long windowMs;
    private transient ValueState<DnsState> state;
    private transient QueryNames names;
    private transient Counter flowsCounted;
    private transient Counter episodesOpened;
    private transient Counter untrackedDomains;
    private transient EpisodeWindows windows;

    public DnsAnomalyDetector(DnsSettings settings) {
        this.settings = settings;
        this.windowMs = settings.window().toMillis();
    }

    @Override
    public void open(OpenContext context) {
        var ctx = getRuntimeContext();
        state = ctx.getState(new ValueStateDescriptor<>("dns", TypeInformation.of(DnsState.class)));
        names = new QueryNames();
        var metrics = ctx.getMetricGroup();
        flowsCounted = metrics.counter("flowsCounted");
        episodesOpened = metrics.counter("episodesOpened");
        untrackedDomains = metrics.counter("untrackedDomains");
        windows = new EpisodeWindows(DETECTOR, windowMs, metrics.counter("episodesClosed"));
    }

    /** DNS queries the flow carried: UDP or TCP to port 53; a UDP flow's packets to the server, a TCP flow one. */
    static long queries(FlowRecord r) {
        if (r.getDstPort() != DNS_PORT) {
            return 0;
        }
        return switch (r.getL4Proto()) {
            case 17 -> Math.max(1, r.getPacketsFwd());
            case TcpFlags.TCP -> 1;
            default -> 0;
        };
    }

    @Override
    public void processElement(ClassifiedFlow c, Context ctx, Collector<Alert> out) throws Exception {
        FlowRecord r = c.flow;
        long queries = queries(r);
        if (queries == 0) {
            return;
        }
        flowsCounted.inc();
        long t = r.getLastMs();
        DnsState s = state.value();
        if (s == null) {
            s = new DnsState();
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
        Episode e = s.episode;
        e.count(r, r.getDstAddr().bytes());
        e.attempts += queries - 1; // count() counted the flow once; the evidence counts queries
        s.queries += queries;

        String name = c.dnsQueryType > 0 ? c.serverName : "";
        boolean nx = false;
        if (c.dnsRcode != DnsSummary.NO_RESPONSE) {
            s.responses++;
            e.dnsResponses++;
            nx = c.dnsRcode == DnsSummary.NXDOMAIN;
            if (nx) {
                s.nxdomain++;
                e.dnsNxdomain++;
            }
        }
        long distinct = 0;
        String domain = null;
        if (!name.isEmpty() && names.suspicious(name, settings)) {
            domain = QueryNames.registeredDomain(name);
            DistinctCounter counter = s.suspiciousByDomain.get(domain);
            if (counter == null && s.suspiciousByDomain.size() >= settings.maxTrackedDomains()) {
                untrackedDomains.inc();
            } else {
                if (counter == null) {
                    counter = new DistinctCounter();
                    s.suspiciousByDomain.put(domain, counter);
                }
                counter.add(nameHash(name));
                distinct = counter.count();
            }
            e.sampleName(name);
        } else if (nx) {
            e.sampleName(name);
        }

        boolean rate = s.queries >= settings.maxQueries();
        boolean nxdomain = s.nxdomain >= settings.nxdomainMin() && s.nxdomain >= settings.nxdomainRatio() * s.responses;
        boolean tunnel = distinct >= settings.tunnelMinNames();
        if (rate || nxdomain || tunnel) {
            double score = (double) s.queries / settings.maxQueries();
            if (s.responses > 0 && s.nxdomain >= settings.nxdomainMin()) {
                score = Math.max(score, (double) s.nxdomain / s.responses / settings.nxdomainRatio());
            }
            if (tunnel) {
                score = Math.max(score, (double) distinct / settings.tunnelMinNames());
                if (distinct > e.dnsDistinctNames) {
                    e.dnsDistinctNames = distinct;
                    e.dnsDomain = domain;
                }
            }
            if (rate) {
                e.observe(0, 0, score, "query_rate", s.windowStartMs, s.windowEndMs);
            }
            if (nxdomain) {
                e.observe(0, 0, score, "nxdomain", s.windowStartMs, s.windowEndMs);
            }
            if (tunnel) {
                e.observe(0, 0, score, "tunnel", s.windowStartMs, s.windowEndMs);
            }
            s.crossed = true;
            if (!e.open) {
                e.open = true;
                e.episodeId = t;
                episodesOpened.inc();
                out.collect(e.alert(DETECTOR, AlertState.OPEN));
            }
        }
        state.update(s);
    }

    /** A query name as a well-mixed 64-bit hash, without allocating. */
    static long nameHash(String name) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L;
        }
        return Hashes.mix(h);
    }

    /** The current key's state (tests measure its size). */
    DnsState current() throws java.io.IOException {
        return state.value();
    }

    /** For tests: a counter's value. */
    long untrackedDomains() {
        return untrackedDomains.getCount();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        windows.onTimer(state, timestamp, ctx.timerService(), out);
    }
}
