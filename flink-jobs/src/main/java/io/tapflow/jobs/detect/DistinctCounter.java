package io.tapflow.jobs.detect;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Counts distinct values (given as 64-bit hashes): exactly up to {@code exactCap} values ({@value #EXACT_CAP} by
 * default, the range where the thresholds of 15 ports and 25 hosts are decided), then as a {@link HyperLogLog}.
 * A detector whose threshold is higher sets the cap to it ({@link #exactUpTo}), so that the threshold is decided on
 * an exact count too: HyperLogLog's ±6.5 % would miss about half the sources that reach it exactly. Data: 8 bytes
 * per value up to the cap, then 256 bytes. Public fields: a Flink POJO inside the detectors' state.
 */
public final class DistinctCounter implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int EXACT_CAP = 32;

    public long[] exact = new long[4];
    public int size;
    public HyperLogLog sketch;
    public int exactCap = EXACT_CAP;

    /** A counter exact up to {@code threshold} distinct values (at least {@value #EXACT_CAP}). */
    static DistinctCounter exactUpTo(int threshold) {
        DistinctCounter c = new DistinctCounter();
        c.exactCap = Math.max(EXACT_CAP, threshold);
        return c;
    }

    void add(long hash) {
        if (sketch != null) {
            sketch.add(hash);
            return;
        }
        for (int i = 0; i < size; i++) {
            if (exact[i] == hash) {
                return;
            }
        }
        if (size >= exactCap) {
            sketch = new HyperLogLog();
            for (int i = 0; i < size; i++) {
                sketch.add(exact[i]);
            }
            sketch.add(hash);
            exact = null;
            return;
        }
        if (size == exact.length) {
            exact = Arrays.copyOf(exact, Math.min(exactCap, size * 2));
        }
        exact[size++] = hash;
    }

    long count() {
        return sketch != null ? sketch.estimate() : size;
    }

    int sizeBytes() {
        return sketch != null ? sketch.sizeBytes() : exact.length * Long.BYTES;
    }
}
