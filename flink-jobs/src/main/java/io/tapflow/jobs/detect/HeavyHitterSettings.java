package io.tapflow.jobs.detect;

import java.io.Serializable;
import java.time.Duration;

/**
 * Heavy hitters per link ({@link HeavyHitters}): the top {@code topN} source and destination addresses by bytes and
 * by packets in each tumbling {@code window}, from a {@link SpaceSaving} sketch of {@code counters} counters per
 * direction and metric. An estimate overcounts by at most the window's total / counters (0.1% of the link's bytes
 * with the default 1024).
 *
 * @param window   tumbling window, whole seconds (ClickHouse's DateTime): 1 minute
 * @param counters Space-Saving counters per direction × metric: 1024 (4 × 48 KiB per link and open window)
 * @param topN     addresses reported per direction × metric and window: 10; 0 turns heavy hitters off
 */
public record HeavyHitterSettings(Duration window, int counters, int topN) implements Serializable {
    public static HeavyHitterSettings defaults() {
        return new HeavyHitterSettings(Duration.ofMinutes(1), 1024, 10);
    }

    public HeavyHitterSettings {
        if (window.toMillis() < 1000 || window.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("the heavy-hitter window must be whole seconds, at least 1 s, got " + window);
        }
        if (counters < 1 || counters > 1 << 20 || topN < 0 || topN > counters || topN > 65_535) {
            throw new IllegalArgumentException("heavy hitters need 1-1048576 counters and a top N of 0-min(counters, 65535), got "
                    + counters + " counters, top " + topN);
        }
    }

    public boolean enabled() {
        return topN > 0;
    }
}
