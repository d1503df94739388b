package io.tapflow.classifier.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pure-Java engine. Per transport (TCP, UDP, other), over the signatures that apply to it: one Aho–Corasick DFA
 * ({@link LiteralAutomaton}) of the signatures that may match anywhere, scanned over the whole payload; and for each
 * fixed offset a trie of the signatures anchored there, walked from that offset only until no pattern can match (a
 * few bytes): a set of anchored protocol signatures costs a handful of steps per payload, whatever its length.
 * Everything is immutable, so a scanner is only a view and scanning allocates nothing.
 */
public final class AhoCorasickMatcher implements PatternMatcher {
    private final SignatureSet set;
    private final Transport tcp;
    private final Transport udp;
    private final Transport other;

    public AhoCorasickMatcher(SignatureSet set) {
        this.set = set;
        this.tcp = Transport.of(set.forTransport(6));
        this.udp = Transport.of(set.forTransport(17));
        this.other = Transport.of(set.forTransport(0));
    }

    /**
     * The automata of one transport: floating (null if none) and anchored ones by ascending offset, with the bytes
     * each anchored trie may start with ({@code starts[k * 256 + b]}): most payloads start none of them, and one
     * table lookup per offset then replaces the walk.
     */
    private record Transport(LiteralAutomaton floating, int[] offsets, LiteralAutomaton[] anchored, boolean[] starts) {
        static Transport of(List<Signature> list) {
            List<Signature> floating = list.stream().filter(s -> !s.anchored()).toList();
            TreeMap<Integer, List<Signature>> byOffset = new TreeMap<>();
            for (Signature s : list) {
                if (s.anchored()) {
                    byOffset.computeIfAbsent(s.offset(), k -> new ArrayList<>()).add(s);
                }
            }
            int[] offsets = byOffset.keySet().stream().mapToInt(Integer::intValue).toArray();
            LiteralAutomaton[] anchored = byOffset.values().stream().map(l -> new LiteralAutomaton(l, true))
                    .toArray(LiteralAutomaton[]::new);
            boolean[] starts = new boolean[anchored.length * 256];
            for (int k = 0; k < anchored.length; k++) {
                for (int b = 0; b < 256; b++) {
                    starts[k * 256 + b] = anchored[k].canStart(b);
                }
            }
            return new Transport(floating.isEmpty() ? null : new LiteralAutomaton(floating, false), offsets, anchored, starts);
        }

        void scan(byte[] buf, int off, int len, MatchSink sink) {
            int[] o = offsets;
            boolean[] s = starts;
            for (int k = 0; k < o.length && o[k] < len; k++) {
                if (s[k << 8 | (buf[off + o[k]] & 0xFF)]) {
                    anchored[k].walk(buf, off, len, o[k], sink);
                }
            }
            if (floating != null) {
                floating.scan(buf, off, len, sink);
            }
        }

        int states() {
            int n = floating == null ? 0 : floating.states();
            for (LiteralAutomaton a : anchored) {
                n += a.states();
            }
            return n;
        }
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
            Objects.checkFromIndexSize(off, len, buf.length);
            (l4proto == 6 ? tcp : l4proto == 17 ? udp : other).scan(buf, off, len, sink);
        };
    }

    /** DFA and trie states over all transports (for sizes in messages and tests). */
    public int states() {
        return tcp.states() + udp.states() + other.states();
    }

    @Override
    public void close() {
    }
}
