package io.tapflow.classifier.match;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * An Aho–Corasick automaton over a list of literal signatures, compiled into a full DFA in flat int arrays; or, for
 * signatures anchored at one offset, the same trie without failure links, walked from that offset until it dies.
 *
 * <p>Input bytes are folded to lower case and mapped to byte classes (each byte some pattern uses is its own class,
 * all other bytes share class 0), so a row of the transition table is {@code classes} ints, not 256. A transition
 * holds the next state's row offset ({@code state * classes}), with the sign bit set when that state ends at least
 * one pattern: the scan loop is one load and one sign test per byte. A hit is then verified per pattern: its position
 * rule (fixed offset), and for case-sensitive patterns the exact bytes (the DFA only saw folded bytes).
 */
final class LiteralAutomaton {
    private static final int MATCH = 0x8000_0000;
    private static final int ROW = 0x7FFF_FFFF;

    private final Signature[] patterns;
    private final int[] classOf = new int[256];
    private final int classes;
    private final int[] delta;
    /** Patterns ending in state s: {@code outPatterns[outStart[s] .. outStart[s + 1])}. */
    private final int[] outStart;
    private final int[] outPatterns;
    private final int[] ids;
    private final int[] lengths;
    private final int[] offsets;
    private final boolean[] exact;
    /** Anchored mode: the row of the dead state (every transition of a trie without a child), else -1. */
    private final int deadRow;

    /**
     * @param anchored build a trie for signatures that all start at the same offset: no failure links, a missing
     *                 child leads to a dead state where {@link #walk} stops
     */
    LiteralAutomaton(List<Signature> list, boolean anchored) {
        this.patterns = list.toArray(Signature[]::new);
        int n = patterns.length;
        ids = new int[n];
        lengths = new int[n];
        offsets = new int[n];
        exact = new boolean[n];
        boolean[] used = new boolean[256];
        int total = 1;
        for (int p = 0; p < n; p++) {
            Signature s = patterns[p];
            ids[p] = s.id();
            lengths[p] = s.length();
            offsets[p] = s.offset();
            byte[] b = s.bytes();
            for (byte x : b) {
                used[Ascii.fold(x) & 0xFF] = true;
                exact[p] |= !s.nocase() && Ascii.isLetter(x & 0xFF); // folding lost information only for letters
            }
            total += b.length;
        }
        int c = 1;
        int[] foldedClass = new int[256];
        for (int b = 0; b < 256; b++) {
            foldedClass[b] = used[b] ? c++ : 0;
        }
        classes = c;
        for (int b = 0; b < 256; b++) {
            classOf[b] = foldedClass[Ascii.fold((byte) b) & 0xFF];
        }
        if ((long) total * classes > ROW) {
            throw new IllegalArgumentException("signature set too large for one automaton: " + total + " states x " + classes + " classes");
        }

        if (anchored) {
            total++; // the dead state
        }
        // Trie: goTo[s * classes + c] = child state or -1.
        int[] goTo = new int[total * classes];
        Arrays.fill(goTo, -1);
        int[][] ends = new int[total][];
        int states = 1;
        for (int p = 0; p < n; p++) {
            int s = 0;
            for (byte x : patterns[p].bytes()) {
                int k = s * classes + classOf[x & 0xFF];
                if (goTo[k] < 0) {
                    goTo[k] = states++;
                }
                s = goTo[k];
            }
            ends[s] = append(ends[s], p);
        }
        int dead = anchored ? states++ : -1;
        deadRow = anchored ? dead * classes : -1;

        // Breadth-first: failure links, outputs merged along them, and the full transition function.
        int[] fail = new int[states];
        int[][] out = new int[states][];
        int[] next = new int[states * classes];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        out[0] = ends[0] == null ? new int[0] : ends[0];
        for (int k = 0; k < classes; k++) {
            int child = goTo[k];
            if (child > 0) {
                fail[child] = 0;
                next[k] = child;
                queue.add(child);
            } else {
                next[k] = anchored ? dead : 0;
            }
        }
        if (anchored) {
            out[dead] = new int[0];
            Arrays.fill(next, dead * classes, dead * classes + classes, dead);
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            int[] own = ends[s] == null ? new int[0] : ends[s];
            int[] inherited = anchored ? new int[0] : out[fail[s]];
            int[] merged = Arrays.copyOf(own, own.length + inherited.length);
            System.arraycopy(inherited, 0, merged, own.length, inherited.length);
            out[s] = merged;
            for (int k = 0; k < classes; k++) {
                int child = goTo[s * classes + k];
                if (child > 0) {
                    fail[child] = anchored ? 0 : next[fail[s] * classes + k];
                    next[s * classes + k] = child;
                    queue.add(child);
                } else {
                    next[s * classes + k] = anchored ? dead : next[fail[s] * classes + k];
                }
            }
        }
        outStart = new int[states + 1];
        int outs = 0;
        for (int s = 0; s < states; s++) {
            outStart[s] = outs;
            outs += out[s].length;
        }
        outStart[states] = outs;
        outPatterns = new int[outs];
        for (int s = 0; s < states; s++) {
            System.arraycopy(out[s], 0, outPatterns, outStart[s], out[s].length);
        }
        delta = new int[states * classes];
        for (int i = 0; i < delta.length; i++) {
            int t = next[i];
            delta[i] = t * classes | (out[t].length > 0 ? MATCH : 0);
        }
    }

    private static int[] append(int[] a, int v) {
        if (a == null) {
            return new int[] {v};
        }
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    int states() {
        return delta.length / classes;
    }

    int classes() {
        return classes;
    }

    void scan(byte[] buf, int off, int len, MatchSink sink) {
        int[] d = delta;
        int[] cls = classOf;
        int row = 0;
        int end = off + len;
        for (int i = off; i < end; i++) {
            int t = d[row + cls[buf[i] & 0xFF]];
            row = t & ROW;
            if (t < 0) {
                report(buf, off, i, row / classes, sink);
            }
        }
    }

    /** Anchored mode: whether a pattern may begin with byte {@code b} (else the walk would end at its first step). */
    boolean canStart(int b) {
        return (delta[classOf[b & 0xFF]] & ROW) != deadRow;
    }

    /** Anchored mode: walks the trie from {@code buf[off + start]} while a pattern may still match. */
    void walk(byte[] buf, int off, int len, int start, MatchSink sink) {
        int[] d = delta;
        int[] cls = classOf;
        int dead = deadRow;
        int row = 0;
        int end = off + len;
        for (int i = off + start; i < end; i++) {
            int t = d[row + cls[buf[i] & 0xFF]];
            row = t & ROW;
            if (row == dead) {
                return;
            }
            if (t < 0) {
                report(buf, off, i, row / classes, sink);
            }
        }
    }

    private void report(byte[] buf, int off, int last, int state, MatchSink sink) {
        for (int k = outStart[state], e = outStart[state + 1]; k < e; k++) {
            int p = outPatterns[k];
            int start = last - lengths[p] + 1;
            int pos = start - off;
            if (offsets[p] != Signature.ANYWHERE && offsets[p] != pos) {
                continue;
            }
            if (exact[p] && !patterns[p].matchesAt(buf, start)) {
                continue;
            }
            sink.match(ids[p], pos);
        }
    }
}
