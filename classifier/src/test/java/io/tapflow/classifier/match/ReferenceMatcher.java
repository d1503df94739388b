package io.tapflow.classifier.match;

import java.util.Set;
import java.util.TreeSet;

/** The obvious matcher both engines must agree with: every signature tried at every position. */
final class ReferenceMatcher {
    private ReferenceMatcher() {
    }

    /** (id, position) pairs, encoded {@code id << 32 | position} and sorted. */
    static Set<Long> matches(SignatureSet set, byte[] buf, int off, int len, int l4) {
        byte[] window = java.util.Arrays.copyOfRange(buf, off, off + len);
        Set<Long> out = new TreeSet<>();
        for (Signature s : set.signatures()) {
            if (!s.appliesTo(l4)) {
                continue;
            }
            for (int pos = 0; pos + s.length() <= len; pos++) {
                if ((!s.anchored() || pos == s.offset()) && s.matchesAt(window, pos)) {
                    out.add(pair(s.id(), pos));
                }
            }
        }
        return out;
    }

    static long pair(int id, int pos) {
        return (long) id << 32 | pos;
    }

    static Set<Long> scan(PatternScanner scanner, byte[] buf, int off, int len, int l4) {
        Set<Long> out = new TreeSet<>();
        scanner.scan(buf, off, len, l4, (id, pos) -> {
            if (!out.add(pair(id, pos))) {
                throw new AssertionError("match reported twice: id " + id + " at " + pos);
            }
        });
        return out;
    }
}
