package io.tapflow.jobs.cli;

import io.tapflow.jobs.detect.HeavyHitterSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code aggregate}'s heavy-hitter options (a picocli mixin). Not a detector, but fed the same flow records, so they
 * are off with --no-detect too. {@code detect} has options of its own of the same names, off by default, so that its
 * output stays alerts unless asked.
 */
public final class HeavyHitterOptions {
    @Option(names = "--heavy-hitters", defaultValue = "10", paramLabel = "N",
            description = "Heavy hitters: the top N source and destination addresses by bytes and by packets per link and"
                    + " --heavy-hitter-window, into ClickHouse table heavy_hitters; 0 turns them off (default: ${DEFAULT-VALUE}).")
    int heavyHitters;

    @Option(names = "--heavy-hitter-counters", defaultValue = "1024", paramLabel = "K",
            description = "Heavy hitters: Space-Saving counters per link, direction and metric; an estimate overcounts by"
                    + " at most the window's total / K (default: ${DEFAULT-VALUE}).")
    int heavyHitterCounters;

    @Option(names = "--heavy-hitter-window", defaultValue = "1m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Heavy hitters: tumbling window, whole seconds (default: ${DEFAULT-VALUE}).")
    Duration heavyHitterWindow;

    /** @throws IllegalArgumentException a value is out of range */
    HeavyHitterSettings settings() {
        return new HeavyHitterSettings(heavyHitterWindow, heavyHitterCounters, heavyHitters);
    }
}
