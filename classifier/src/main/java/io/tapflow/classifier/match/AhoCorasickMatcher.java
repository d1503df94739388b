package io.tapflow.classifier.match;

/**
 * The pure-Java engine: one {@link LiteralAutomaton} per transport (TCP, UDP, other), each holding only the
 * signatures that apply to it. The automata are immutable, so a scanner is only a view: scanning allocates nothing.
 */
public final class AhoCorasickMatcher implements PatternMatcher {
    private final SignatureSet set;
    private final LiteralAutomaton tcp;
    private final LiteralAutomaton udp;
    private final LiteralAutomaton other;

    public AhoCorasickMatcher(SignatureSet set) {
        this.set = set;
        this.tcp = automaton(set, 6);
        this.udp = automaton(set, 17);
        this.other = automaton(set, 0);
    }

    private static LiteralAutomaton automaton(SignatureSet set, int l4) {
        var list = set.forTransport(l4);
        return list.isEmpty() ? null : new LiteralAutomaton(list);
    }

    @Override
    public SignatureSet signatures() {
        return set;
    }

    @Override
    public MatcherEngine engine() {
        return MatcherEngine.AHO_CORASICK;
    }

    @Override
    public PatternScanner newScanner() {
        return (buf, off, len, l4proto, sink) -> {
            LiteralAutomaton a = l4proto == 6 ? tcp : l4proto == 17 ? udp : other;
            if (a != null && len > 0) {
                java.util.Objects.checkFromIndexSize(off, len, buf.length);
                a.scan(buf, off, len, sink);
            }
        };
    }

    /** States of the TCP automaton (for sizes in messages and tests). */
    public int tcpStates() {
        return tcp == null ? 0 : tcp.states();
    }

    @Override
    public void close() {
    }
}
