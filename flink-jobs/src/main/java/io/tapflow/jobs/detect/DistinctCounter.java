package io.tapflow.jobs.detect;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Counts distinct values (given as 64-bit hashes): exactly up to {@value #EXACT_CAP} values, the range where the
 * thresholds (15 ports, 25 hosts) are decided, then as a {@link HyperLogLog}. Either way at most 256 bytes of data.
 * Public fields: a Flink POJO inside the detectors' state.
 */
public final class DistinctCounter implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int EXACT_CAP = 32;

    public long[] exact = new long[4];
    public int size;
    public HyperLogLog sketch;

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
        if (size == EXACT_CAP) {
            sketch = new HyperLogLog();
            for (int i = 0; i < size; i++) {
                sketch.add(exact[i]);
            }
            sketch.add(hash);
            exact = null;
            return;
        }
        if (size == exact.length) {
            exact = Arrays.copyOf(exact, Math.min(EXACT_CAP, size * 2));
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
