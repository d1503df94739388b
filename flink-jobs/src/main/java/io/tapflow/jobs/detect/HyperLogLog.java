package io.tapflow.jobs.detect;

import java.io.Serializable;

/**
 * A HyperLogLog distinct counter (Flajolet et al. 2007) over 64-bit hashes, with 2^{@value #P} one-byte registers:
 * {@value #M} bytes whatever the cardinality, standard error 1.04/sqrt(256) = 6.5%, linear counting below 5/2 m.
 * Enough for evidence ("about 100,000 hosts"); thresholds are decided on exact counts (see {@link DistinctCounter}).
 * Public fields: a Flink POJO inside the detectors' state.
 */
public final class HyperLogLog implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int P = 8;
    static final int M = 1 << P;
    private static final double ALPHA = 0.7213 / (1 + 1.079 / M);

    public byte[] registers = new byte[M];

    /** @param hash a well-mixed 64-bit hash ({@link Hashes}) */
    void add(long hash) {
        int index = (int) (hash >>> (64 - P));
        int rank = Long.numberOfLeadingZeros(hash << P | 1L << (P - 1)) + 1; // the low bits; the guard caps the rank
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += 1.0 / (1L << r);
            if (r == 0) {
                zeros++;
            }
        }
        double e = ALPHA * M * M / sum;
        if (e <= 2.5 * M && zeros > 0) {
            e = M * Math.log((double) M / zeros);
        }
        return Math.round(e);
    }

    int sizeBytes() {
        return registers.length;
    }
}
