package io.tapflow.jobs.detect;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One victim's sliding window of half-open attempts (a ring of per-step buckets: count and first attempt time), its
 * distinct initiators and its episode. Fixed size: buckets × 20 bytes + one {@link DistinctCounter} (≤ 256 bytes) +
 * the episode's 8 sample peers and ports. A Flink POJO (public fields, public no-arg constructor, field types Flink
 * serializes itself), so checkpoints do not go through Kryo ({@code DetectStateTypesTest}).
 */
public final class FloodState implements Serializable {
    private static final long serialVersionUID = 1L;
    static final long NONE = Long.MIN_VALUE;

    public long[] bucketIndex;
    public int[] bucketCount;
    public long[] bucketFirstMs;
    public DistinctCounter initiators = new DistinctCounter();
    public long lastAttemptMs = NONE;
    public long lastCrossMs = NONE;
    /** The one pending timer (close check or cleanup); NONE when none is. */
    public long timerAtMs = NONE;
    public Episode episode = new Episode();

    public FloodState() {
    }

    FloodState(int buckets) {
        bucketIndex = new long[buckets];
        Arrays.fill(bucketIndex, NONE);
        bucketCount = new int[buckets];
        bucketFirstMs = new long[buckets];
    }

    /** Counts an attempt at {@code t}; false when it is older than every bucket still in the ring (too late). */
    boolean add(long t, long stepMs) {
        long index = Math.floorDiv(t, stepMs);
        int slot = (int) Math.floorMod(index, (long) bucketIndex.length);
        if (bucketIndex[slot] > index) {
            return false;
        }
        if (bucketIndex[slot] != index) {
            bucketIndex[slot] = index;
            bucketCount[slot] = 0;
            bucketFirstMs[slot] = t;
        }
        bucketCount[slot]++;
        bucketFirstMs[slot] = Math.min(bucketFirstMs[slot], t);
        return true;
    }

    /** Attempts in the window that ends with the bucket of {@code t}. */
    long attempts(long t, long stepMs) {
        long newest = Math.floorDiv(t, stepMs);
        long sum = 0;
        for (int i = 0; i < bucketIndex.length; i++) {
            if (bucketIndex[i] > newest - bucketIndex.length && bucketIndex[i] <= newest) {
                sum += bucketCount[i];
            }
        }
        return sum;
    }

    /** The first attempt in the same window, or {@code t} when there is none. */
    long firstMs(long t, long stepMs) {
        long newest = Math.floorDiv(t, stepMs);
        long first = t;
        for (int i = 0; i < bucketIndex.length; i++) {
            if (bucketIndex[i] > newest - bucketIndex.length && bucketIndex[i] <= newest) {
                first = Math.min(first, bucketFirstMs[i]);
            }
        }
        return first;
    }

    int sizeBytes() {
        return bucketIndex.length * (Long.BYTES + Integer.BYTES + Long.BYTES) + initiators.sizeBytes()
                + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
    }
}
