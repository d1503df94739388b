package io.tapflow.jobs.detect;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Peer-to-peer hosts by their transport-layer behaviour, after Karagiannis, Broido, Faloutsos and claffy,
 * "Transport layer identification of P2P traffic" (IMC 2004), keyed by link and host over each flow seen from both
 * ends ({@link HostFlow#BOTH_ENDS}). In a window ({@link DetectSettings#p2pWindow()}, starting at the host's first
 * counted flow), over TCP and UDP flows with a unicast peer and no well-known service port at either end
 * ({@link #servicePort}):
 * <ul>
 *   <li>{@code tcp_udp}: the host used both TCP and UDP with {@code p2pMinTcpUdpPeers} distinct peers (P2P clients
 *   run control traffic over UDP and transfers over TCP with the same peers);</li>
 *   <li>{@code endpoint}: one of the host's {IP, port} endpoints was reached by at least {@code p2pMinPeers} distinct
 *   peer addresses from about as many distinct peer ports ({@code p2pAddrPortRatio}): each peer opens one connection
 *   from its own port, where a web or mail server's clients open many connections each (ports ≫ addresses);</li>
 *   <li>{@code peer_ports}: the same test on the host's own outbound flows to peers' high ports (≥ 1024): at least
 *   {@code p2pMinPeers} distinct peers on about as many distinct ports, because every P2P peer listens on a port of
 *   its own, where clients of a service reach many addresses on a few ports. This is the {IP, port} heuristic seen
 *   from the connecting side (not in the paper): it lets a capture of a client's outbound connections only be
 *   judged.</li>
 * </ul>
 *
 * <p>Episodes as {@link PortScanDetector}: one OPEN alert when the first window crosses, one CLOSED alert with the
 * final evidence after a window without crossing or a whole quiet window (or at end of input). Event time is the
 * flow's last packet. The flow's direction is the agent's (its first packet): for a flow that started before the
 * capture it may be the reverse of the real one.
 *
 * <p>A flow counts for a host only if the host sent at least one of its packets: a destination that never answered
 * (a probe's target) showed no behaviour of its own, and a sweep of a million such destinations would otherwise
 * create a million keys here.
 *
 * <p>Counters: {@code flowsCounted}, {@code flowsExcluded} (service ports, non-unicast peers, other protocols,
 * unanswered flows at their destination),
 * {@code untrackedPeers} (peers or endpoints over the per-window bound, left out), {@code episodesOpened},
 * {@code episodesClosed}.
 */
public final class P2pDetector extends KeyedProcessFunction<BinaryKey, HostFlow, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String DETECTOR = "p2p";
    static final int TCP = 6;
    static final int UDP = 17;
    /**
     * Well-known services that are not P2P (Karagiannis et al.'s exclusions: mail, DNS, NTP, NetBIOS, web, IRC,
     * games, and the like): FTP 20-21, SSH 22, telnet 23, SMTP 25, DNS 53, DHCP 67-68, TFTP 69, HTTP 80, POP3 110,
     * NNTP 119, NTP 123, MS RPC 135, NetBIOS 137-139, IMAP 143, SNMP 161-162, LDAP 389, HTTPS and QUIC 443, SMB 445,
     * SMTPS 465, IKE 500, syslog 514, DHCPv6 547, submission 587, DNS over TLS 853, IMAPS 993, POP3S 995, SSDP 1900,
     * MS SQL 1433, MySQL 3306, STUN/TURN 3478, IPsec NAT-T 4500, SIP 5060-5061, XMPP 5222, mDNS 5353, LLMNR 5355,
     * IRC 6667, HTTP alternates 8000, 8080 and 8443, and games: Xbox Live 3074, World of Warcraft 3724, Steam and
     * Source 27015.
     */
    private static final int[] SERVICE_PORTS = {20, 21, 22, 23, 25, 53, 67, 68, 69, 80, 110, 119, 123, 135, 137, 138,
        139, 143, 161, 162, 389, 443, 445, 465, 500, 514, 547, 587, 853, 993, 995, 1433, 1900, 3074, 3306, 3478, 3724,
        4500, 5060, 5061, 5222, 5353, 5355, 6667, 8000, 8080, 8443, 27015};

    private final DetectSettings settings;
    private final long windowMs;
    private transient ValueState<P2pState> state;
    private transient Counter flowsCounted;
    private transient Counter flowsExcluded;
    private transient Counter untrackedPeers;
    private transient Counter episodesOpened;
    private transient EpisodeWindows windows;

    public P2pDetector(DetectSettings settings) {
        this.settings = settings;
        this.windowMs = settings.p2pWindow().toMillis();
    }

    static boolean servicePort(int port) {
        return Arrays.binarySearch(SERVICE_PORTS, port) >= 0;
    }

    /**
     * Not a peer: IPv4 multicast (224/4), the limited broadcast and addresses ending in .255 (taken as subnet
     * broadcasts), IPv6 multicast (ff00::/8), the unspecified address.
     */
    static boolean notUnicast(byte[] a) {
        boolean v4 = true;
        for (int i = 0; i < 10; i++) {
            v4 &= a[i] == 0;
        }
        v4 &= a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
        if (v4) {
            int first = a[12] & 0xFF;
            return (first >= 224 && first <= 239) || (a[15] & 0xFF) == 255 || first == 0;
        }
        if ((a[0] & 0xFF) == 0xFF) {
            return true;
        }
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void open(OpenContext context) {
        var ctx = getRuntimeContext();
        state = ctx.getState(new ValueStateDescriptor<>("p2p", TypeInformation.of(P2pState.class)));
        var metrics = ctx.getMetricGroup();
        flowsCounted = metrics.counter("flowsCounted");
        flowsExcluded = metrics.counter("flowsExcluded");
        untrackedPeers = metrics.counter("untrackedPeers");
        episodesOpened = metrics.counter("episodesOpened");
        windows = new EpisodeWindows(DETECTOR, windowMs, metrics.counter("episodesClosed"));
    }

    @Override
    public void processElement(HostFlow f, Context ctx, Collector<Alert> out) throws Exception {
        if ((f.proto != TCP && f.proto != UDP) || !f.hostSent || servicePort(f.hostPort) || servicePort(f.peerPort)
                || notUnicast(f.peer) || notUnicast(f.host)) {
            flowsExcluded.inc();
            return;
        }
        flowsCounted.inc();
        long t = f.lastMs;
        P2pState s = state.value();
        if (s == null) {
            s = new P2pState();
            s.episode.linkId = f.linkId;
            s.episode.subjectAddr = f.host.clone();
        }
        if (s.windowActive() && t >= s.windowEndMs) {
            windows.endWindow(s, ctx.timerService(), out); // ahead of the watermark, which has not fired the window's timer yet
        }
        if (!s.windowActive()) {
            s.startWindow(t, windowMs);
            ctx.timerService().registerEventTimeTimer(s.windowEndMs);
        }
        count(s.episode, f);
        long peer = Hashes.address(f.peer);
        long peerPort = Hashes.port(f.peerPort);

        Byte seen = s.protosByPeer.get(peer);
        if (seen == null && s.protosByPeer.size() >= 4 * settings.p2pMaxTracked()) {
            untrackedPeers.inc();
        } else {
            int before = seen == null ? 0 : seen;
            int after = before | (f.proto == TCP ? 1 : 2);
            if (after != before) {
                s.protosByPeer.put(peer, (byte) after);
                if (after == 3) {
                    s.tcpUdpPeers++;
                }
            }
        }
        long addrs = 0;
        long ports = 0;
        String kind = "";
        double score = (double) s.tcpUdpPeers / settings.p2pMinTcpUdpPeers();
        if (s.tcpUdpPeers >= settings.p2pMinTcpUdpPeers()) {
            kind = "tcp_udp";
            addrs = s.tcpUdpPeers;
        }
        DistinctCounter a;
        DistinctCounter p;
        String endpointKind;
        if (f.outbound) {
            a = f.peerPort >= 1024 ? s.outboundAddrs : null;
            p = s.outboundPorts;
            endpointKind = "peer_ports";
        } else {
            int endpoint = f.proto << 16 | f.hostPort;
            a = s.endpointAddrs.get(endpoint);
            p = s.endpointPorts.get(endpoint);
            if (a == null) {
                if (s.endpointAddrs.size() >= settings.p2pMaxTracked()) {
                    untrackedPeers.inc();
                } else {
                    a = new DistinctCounter();
                    p = new DistinctCounter();
                    s.endpointAddrs.put(endpoint, a);
                    s.endpointPorts.put(endpoint, p);
                }
            }
            endpointKind = "endpoint";
        }
        if (a != null) {
            a.add(peer);
            p.add(peerPort);
            long na = a.count();
            long np = p.count();
            if (na >= settings.p2pMinPeers() && Math.min(na, np) >= settings.p2pAddrPortRatio() * Math.max(na, np)) {
                kind = kind.isEmpty() ? endpointKind : kind + "+" + endpointKind;
                if (na > addrs) {
                    addrs = na;
                    ports = np;
                }
                score = Math.max(score, (double) na / settings.p2pMinPeers());
            }
        }
        if (!kind.isEmpty()) {
            for (String k : kind.split("\\+")) { // one at a time: the episode's kind lists each once
                s.episode.observe(ports, addrs, score, k, s.windowStartMs, s.windowEndMs);
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

    /** A counted flow as {@link Episode#count} counts one: times, flows, sample peers and the peers' ports. */
    private static void count(Episode e, HostFlow f) {
        e.firstSeenMs = Math.min(e.firstSeenMs, f.firstMs);
        e.lastSeenMs = Math.max(e.lastSeenMs, f.lastMs);
        e.attempts++;
        if (e.samplePeers.size() < Episode.SAMPLES && !hasPeer(e, f.peer)) {
            e.samplePeers.add(f.peer.clone());
        }
        if (e.samplePorts.length < Episode.SAMPLES && !hasPort(e, f.peerPort)) {
            e.samplePorts = Arrays.copyOf(e.samplePorts, e.samplePorts.length + 1);
            e.samplePorts[e.samplePorts.length - 1] = f.peerPort;
        }
    }

    private static boolean hasPeer(Episode e, byte[] peer) {
        for (byte[] x : e.samplePeers) {
            if (Arrays.equals(x, peer)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasPort(Episode e, int port) {
        for (int x : e.samplePorts) {
            if (x == port) {
                return true;
            }
        }
        return false;
    }

    /** The current key's state (tests measure its size). */
    P2pState current() throws java.io.IOException {
        return state.value();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        windows.onTimer(state, timestamp, ctx.timerService(), out);
    }
}
