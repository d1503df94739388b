package io.tapflow.classifier;

import io.tapflow.classifier.dissect.Dissector;
import io.tapflow.classifier.dissect.Findings;
import io.tapflow.classifier.dissect.Packet;
import io.tapflow.classifier.rules.HostRules;
import io.tapflow.classifier.verdict.Confidence;
import io.tapflow.classifier.verdict.DnsSummary;
import io.tapflow.classifier.verdict.Verdict;
import java.util.Set;

/**
 * One flow's classification state machine. Feed it the flow's payloads in capture order, each with its direction;
 * every dissector that may apply looks at each packet until one matches (decided) or all have said no, or
 * {@link ClassifierEngine#MAX_PACKETS_PER_DIRECTION} passed. {@link #verdict()} then names the flow: the matched
 * protocol, refined by host rules; else the protocol a payload signature named; else a port guess; else Unknown.
 * Signature ids the pattern matcher found in a payload come with it: the dissectors of their protocol are asked
 * first, so a flow the signatures identify is decided without trying every other dissector. A dissector that matched
 * may ask to see the reply too ({@link Findings#awaitingResponse}, DNS's response code): the flow is then decided
 * once that dissector has it, or the packet limit passed. Reusable: {@link #start} resets it.
 */
public final class Classifier {
    /** Protocols whose host name is a service's own domain, so host rules may name the application. */
    private static final Set<String> HOST_RULE_PROTOCOLS = Set.of("TLS", "QUIC", "HTTP", "DNS");

    private final ClassifierEngine engine;
    private final Findings findings;
    private final byte[][] stream = new byte[2][];
    private final int[] streamLen = new int[2];
    private final int[] packets = new int[2];
    private long candidates;
    private int l4proto;
    private int clientPort;
    private int serverPort;
    private long clientEndpoint;
    private boolean decided;
    /** The dissector that matched and still awaits the reply, or -1. */
    private int followUp = -1;
    /** The dissector that matched last in {@link #inspect}. */
    private int matched = -1;
    /** The most specific (longest) signature matched so far, or 0. */
    private int signature;

    Classifier(ClassifierEngine engine) {
        this.engine = engine;
        this.findings = new Findings(engine.dissectors.length);
    }

    /** Begins a flow: L4 protocol (6, 17, 1, 58...) and the initiator's and responder's ports. */
    public Classifier start(int l4proto, int clientPort, int serverPort) {
        return start(l4proto, clientPort, serverPort, 0);
    }

    /**
     * Begins a flow, with a non-zero hash of the initiator's address and port ({@code clientEndpoint}) so that
     * calls can be followed across flows (see {@link EndpointApps}); 0 = unknown.
     */
    public Classifier start(int l4proto, int clientPort, int serverPort, long clientEndpoint) {
        this.l4proto = l4proto;
        this.clientEndpoint = clientEndpoint;
        this.clientPort = clientPort;
        this.serverPort = serverPort;
        findings.clear();
        streamLen[0] = streamLen[1] = 0;
        packets[0] = packets[1] = 0;
        decided = false;
        followUp = -1;
        signature = 0;
        long c = 0;
        Dissector[] ds = engine.dissectors;
        for (int i = 0; i < ds.length; i++) {
            if (ds[i].handles(l4proto)) {
                c |= 1L << i;
            }
        }
        candidates = c;
        if (c == 0) {
            decided = true; // ICMP and friends: named by the L4 protocol alone
        }
        return this;
    }

    /**
     * One payload-bearing packet. {@code dir} is {@link Packet#TO_SERVER} or {@link Packet#TO_CLIENT}.
     * Returns true once the flow is decided (more packets would change nothing).
     */
    public boolean feed(int dir, byte[] buf, int off, int len) {
        return feed(dir, buf, off, len, null, 0);
    }

    /**
     * {@link #feed(int, byte[], int, int)} with the ids of the signatures the pattern matcher found in this payload
     * ({@code ids[0, count)}, from the engine's {@link ClassifierEngine#signatures() set}; unknown ids are ignored).
     */
    public boolean feed(int dir, byte[] buf, int off, int len, int[] ids, int count) {
        if (len <= 0 || decided()) {
            return decided();
        }
        if (decided) {
            followUp(packet(dir, buf, off, len));
            return decided();
        }
        long hinted = 0;
        SignatureHints hints = engine.signatures;
        for (int k = 0; k < count; k++) {
            int id = ids[k];
            if (hints.known(id)) {
                hinted |= hints.dissectors(id);
                if (signature == 0 || hints.length(id) > hints.length(signature)
                        || (hints.length(id) == hints.length(signature) && id < signature)) {
                    signature = id;
                }
            }
        }
        Packet p = packet(dir, buf, off, len);
        // The dissectors of the signatures' protocols first, then the others in their usual order.
        long hintedCandidates = candidates & hinted;
        if (inspect(p, hintedCandidates) || inspect(p, candidates & ~hintedCandidates)) {
            decided = true;
            followUp = findings.awaitingResponse && !packetLimitPassed() ? matched : -1;
            rememberCall();
            return decided();
        }
        rememberCall();
        if (candidates == 0 || packetLimitPassed()) {
            decided = true;
        }
        return decided;
    }

    private boolean packetLimitPassed() {
        return packets[0] >= ClassifierEngine.MAX_PACKETS_PER_DIRECTION
                && packets[1] >= ClassifierEngine.MAX_PACKETS_PER_DIRECTION
                || packets[0] + packets[1] >= 3 * ClassifierEngine.MAX_PACKETS_PER_DIRECTION;
    }

    /** The engine's reusable packet over this payload (for TCP, the direction's stream so far), counted. */
    private Packet packet(int dir, byte[] buf, int off, int len) {
        Packet p = engine.packet;
        p.dir = dir;
        p.l4proto = l4proto;
        p.clientPort = clientPort;
        p.serverPort = serverPort;
        p.indexInDir = packets[dir];
        p.otherDirPackets = packets[dir ^ 1];
        p.segmentLen = len;
        if (l4proto == 6) {
            appendStream(dir, buf, off, len);
            p.buf = stream[dir];
            p.off = 0;
            p.len = streamLen[dir];
        } else {
            p.buf = buf;
            p.off = off;
            p.len = len;
        }
        packets[dir]++;
        return p;
    }

    /** A decided flow's packet for the dissector that awaits its reply; the verdict's protocol stays as it is. */
    private void followUp(Packet p) {
        p.state = 2 * followUp;
        int r;
        try {
            r = engine.dissectors[followUp].inspect(p, findings);
        } catch (RuntimeException e) {
            r = Dissector.NO_MATCH;
        }
        if (r != Dissector.NEED_MORE || !findings.awaitingResponse || packetLimitPassed()) {
            followUp = -1;
        }
    }

    /** Asks the dissectors in {@code mask}; true when one matched. Those that said no leave the candidates. */
    private boolean inspect(Packet p, long mask) {
        Dissector[] ds = engine.dissectors;
        for (long c = mask; c != 0; c &= c - 1) {
            int i = Long.numberOfTrailingZeros(c);
            p.state = 2 * i;
            int r;
            try {
                r = ds[i].inspect(p, findings);
            } catch (RuntimeException e) {
                r = Dissector.NO_MATCH; // a dissector bug must not take the flow down; the fuzz tests look for these
            }
            if (r == Dissector.MATCH) {
                matched = i;
                return true;
            }
            if (r == Dissector.NO_MATCH) {
                candidates &= ~(1L << i);
            }
        }
        return false;
    }

    private void rememberCall() {
        Findings f = findings;
        if (f.app != null && ("STUN".equals(f.protocol) || "SRTP".equals(f.protocol))) {
            engine.callEndpoints.remember(clientEndpoint, f.app);
        }
    }

    private void appendStream(int dir, byte[] buf, int off, int len) {
        byte[] s = stream[dir];
        if (s == null) {
            s = stream[dir] = new byte[ClassifierEngine.MAX_STREAM_BYTES];
        }
        int n = Math.min(len, s.length - streamLen[dir]);
        if (n > 0) {
            System.arraycopy(buf, off, s, streamLen[dir], n);
            streamLen[dir] += n;
        }
    }

    /** True once more packets would change nothing: the flow is named and no dissector awaits a reply. */
    public boolean decided() {
        return decided && followUp < 0;
    }

    /** The verdict from what was fed so far. */
    public Verdict verdict() {
        Findings f = findings;
        String proto = f.protocol;
        if (proto == null) {
            return fallback();
        }
        String server = f.serverName;
        if (HOST_RULE_PROTOCOLS.contains(proto)) {
            HostRules.Rule rule = engine.hosts.match(server);
            if (rule != null) {
                return new Verdict(rule.app(), proto, rule.category(), server, f.ja3, f.ja4, Confidence.HOST_RULE, dns());
            }
        }
        if (proto.equals("TLS") && f.app == null) {
            String overTls = engine.catalog.overTls(serverPort);
            overTls = overTls != null ? overTls : engine.catalog.overTls(clientPort);
            if (overTls != null) {
                return new Verdict(overTls, "", engine.catalog.category(overTls), server, f.ja3, f.ja4, Confidence.DPI);
            }
        }
        String app = f.app;
        if (app == null && ("STUN".equals(proto) || "SRTP".equals(proto))) {
            app = engine.callEndpoints.recall(clientEndpoint);
        }
        if (app != null) {
            return new Verdict(app, proto, engine.catalog.category(app), server, f.ja3, f.ja4, Confidence.DPI);
        }
        return new Verdict(proto, "", engine.catalog.category(proto), server, f.ja3, f.ja4, Confidence.DPI, dns());
    }

    /** The DNS exchange's summary when the DNS dissector named the flow. */
    private DnsSummary dns() {
        Findings f = findings;
        return "DNS".equals(f.protocol) ? new DnsSummary(f.dnsQueryType, f.dnsRcode, f.dnsAnswers) : DnsSummary.NONE;
    }

    private Verdict fallback() {
        String byL4 = switch (l4proto) {
            case 1 -> "ICMP";
            case 58 -> "ICMPV6";
            case 2 -> "IGMP";
            case 50, 51 -> "IPSec";
            case 47 -> "GRE";
            case 132 -> "SCTP";
            default -> null;
        };
        if (byL4 != null) {
            return new Verdict(byL4, "", engine.catalog.category(byL4), "", "", "", Confidence.DPI);
        }
        if (signature != 0) {
            String proto = engine.signatures.protocol(signature);
            return new Verdict(proto, "", engine.catalog.category(proto), "", "", "", Confidence.SIGNATURE);
        }
        if (engine.portGuess) {
            String guess = engine.catalog.byPort(l4proto, serverPort);
            if (guess == null) {
                // The capture may have begun mid-connection, so the first packet seen (the "initiator") was the server's.
                guess = engine.catalog.byPort(l4proto, clientPort);
            }
            if (guess != null) {
                return new Verdict(guess, "", engine.catalog.category(guess), "", "", "", Confidence.PORT_GUESS);
            }
        }
        return Verdict.NONE;
    }
}
