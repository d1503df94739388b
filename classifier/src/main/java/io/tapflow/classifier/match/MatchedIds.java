package io.tapflow.classifier.match;

import java.util.Arrays;

/**
 * A {@link MatchSink} that keeps the distinct signature ids of one scan (or of several scans between
 * {@link #clear()}s) in the order first seen. Reusable: nothing is allocated after construction.
 */
public final class MatchedIds implements MatchSink {
    private final int[] ids;
    /** Bit per possible id (1..{@link Signature#MAX_ID}). */
    private final long[] seen = new long[(Signature.MAX_ID >>> 6) + 1];
    private int count;

    /** @param capacity distinct ids kept (a set has at most as many as signatures) */
    public MatchedIds(int capacity) {
        this.ids = new int[Math.max(1, capacity)];
    }

    public static MatchedIds forSet(SignatureSet set) {
        return new MatchedIds(set.size());
    }

    @Override
    public void match(int signatureId, int position) {
        int w = signatureId >>> 6;
        long bit = 1L << signatureId;
        if ((seen[w] & bit) != 0 || count == ids.length) {
            return;
        }
        seen[w] |= bit;
        ids[count++] = signatureId;
    }

    public void clear() {
        for (int i = 0; i < count; i++) {
            seen[ids[i] >>> 6] = 0;
        }
        count = 0;
    }

    public int count() {
        return count;
    }

    public int id(int i) {
        return ids[i];
    }

    /** The backing array; the first {@link #count()} entries are valid until the next {@link #clear()}. */
    public int[] array() {
        return ids;
    }

    public int[] toArray() {
        return Arrays.copyOf(ids, count);
    }
}
