package io.tapflow.jobs.sink;

import java.io.Serializable;
import java.time.Duration;

/**
 * When the ClickHouse sink writes and how hard it retries. A batch goes out when it holds {@code maxRows}, when its
 * oldest row is {@code maxAge} old, and at every checkpoint (so a checkpoint never covers rows not yet in ClickHouse).
 * Defaults follow Akvorado's (50k rows or 5 s): few large inserts are what MergeTree wants.
 */
public record SinkBatching(int maxRows, Duration maxAge, int maxAttempts, Duration firstBackoff,
                           Duration maxBackoff) implements Serializable {
    public static final SinkBatching DEFAULTS =
            new SinkBatching(50_000, Duration.ofSeconds(5), 8, Duration.ofMillis(200), Duration.ofSeconds(10));

    public SinkBatching {
        if (maxRows < 1) {
            throw new IllegalArgumentException("sink batch size must be at least 1 row, got " + maxRows);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("sink batch age must be positive, got " + maxAge);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("sink attempts must be at least 1, got " + maxAttempts);
        }
    }

    /** Backoff before attempt {@code attempt} (2 = first retry): doubling from firstBackoff, capped at maxBackoff. */
    public Duration backoffBefore(int attempt) {
        long ms = firstBackoff.toMillis() << Math.min(20, Math.max(0, attempt - 2));
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }

    public SinkBatching withMaxRows(int rows) {
        return new SinkBatching(rows, maxAge, maxAttempts, firstBackoff, maxBackoff);
    }

    public SinkBatching withMaxAge(Duration age) {
        return new SinkBatching(maxRows, age, maxAttempts, firstBackoff, maxBackoff);
    }

    public SinkBatching withMaxAttempts(int attempts) {
        return new SinkBatching(maxRows, maxAge, attempts, firstBackoff, maxBackoff);
    }
}
