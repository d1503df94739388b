package io.tapflow.localstack.bench;

import java.util.Arrays;

/**
 * Produce time → visibility time, without a round trip per row. The producer counts records per 100 ms bucket of
 * their produce time (which is also their {@code last_ms}); each poll of ClickHouse returns, per bucket, how many of
 * its rows are visible, and every row that became visible since the previous poll is attributed the latency
 * {@code poll time − bucket middle} (resolution: the bucket width plus the poll interval). A bucket whose rows are all
 * visible is complete, and polls only ask for buckets from the oldest incomplete one on, so a pipeline that keeps up
 * is polled over a few seconds of rows, not the whole table.
 *
 * <p>One producer thread calls {@link #produced}; one poller thread calls the rest.
 */
final class LatencyTracker {
    static final long BUCKET_MS = 100;
    private static final int LATENCY_SLOTS = 1 << 20; // latencies up to ~17 minutes at 1 ms

    private final long originBucket;
    private final long[] produced;
    private final long[] seen;
    /** Buckets below this index are closed: the producer has moved past them, their counts are final. */
    private volatile int closedBelow;
    private int oldestIncomplete;
    private final long[] latencyCounts = new long[LATENCY_SLOTS + 1];
    private long attributed;

    /** @param originMs no record is produced before it; @param maxRunMs no record is produced after origin + this */
    LatencyTracker(long originMs, long maxRunMs) {
        this.originBucket = Math.floorDiv(originMs, BUCKET_MS);
        int buckets = (int) (maxRunMs / BUCKET_MS) + 2;
        this.produced = new long[buckets];
        this.seen = new long[buckets];
    }

    /** A record was produced with {@code last_ms = ms} (producer thread; ms never decreases). */
    void produced(long ms) {
        int b = index(ms);
        produced[b]++;
        if (b > closedBelow) {
            closedBelow = b; // volatile write after the array write: the poller sees final counts below it
        }
    }

    /** The producer is done: every bucket is closed. */
    void producerFinished() {
        closedBelow = produced.length;
    }

    /** Polls ask for rows with {@code last_ms} at or after this. */
    long pollFromMs() {
        return (originBucket + oldestIncomplete) * BUCKET_MS;
    }

    /** One poll's answer: {@code visible} rows of bucket {@code absoluteBucket} (= intDiv(last_ms, 100)), polled at pollMs. */
    void visible(long absoluteBucket, long visible, long pollMs) {
        int b = (int) (absoluteBucket - originBucket);
        if (b < 0 || b >= seen.length) {
            throw new IllegalStateException("a row with last_ms in bucket " + absoluteBucket + " is outside the run");
        }
        long fresh = visible - seen[b];
        if (fresh > 0) {
            seen[b] = visible;
            long latency = Math.max(0, pollMs - (absoluteBucket * BUCKET_MS + BUCKET_MS / 2));
            latencyCounts[(int) Math.min(latency, LATENCY_SLOTS)] += fresh;
            attributed += fresh;
        }
    }

    /** After each poll: moves the poll window past buckets that are closed and fully visible. */
    void pollDone() {
        int closed = closedBelow;
        while (oldestIncomplete < closed && oldestIncomplete < seen.length
                && seen[oldestIncomplete] >= produced[oldestIncomplete]) {
            oldestIncomplete++;
        }
    }

    long attributed() {
        return attributed;
    }

    /** The latency in ms below which {@code fraction} of the attributed rows fall; -1 without any row. */
    long percentile(double fraction) {
        if (attributed == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(fraction * attributed);
        long sum = 0;
        for (int ms = 0; ms < latencyCounts.length; ms++) {
            sum += latencyCounts[ms];
            if (sum >= Math.max(1, rank)) {
                return ms;
            }
        }
        return LATENCY_SLOTS;
    }

    long max() {
        for (int ms = latencyCounts.length - 1; ms >= 0; ms--) {
            if (latencyCounts[ms] > 0) {
                return ms;
            }
        }
        return -1;
    }

    long producedTotal() {
        return Arrays.stream(produced).sum();
    }

    private int index(long ms) {
        int b = (int) (Math.floorDiv(ms, BUCKET_MS) - originBucket);
        if (b < 0 || b >= produced.length) {
            throw new IllegalStateException("produce time " + ms + " is outside the run's time budget");
        }
        return b;
    }
}
