package io.tapflow.jobs.cli;

import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.detect.HeavyHitterSettings;
import io.tapflow.schema.Topics;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The behavioural detectors' options of {@code aggregate}: the alerts topic and the main thresholds. The defaults
 * are {@link DetectSettings#defaults()}'s (Zeek's policies; {@code AggregateDetectOptionsTest} keeps them equal); the
 * per-scanner tracking bound, the flood window's step and the rate's shortest base keep their defaults.
 */
final class DetectOptions {
    @Option(names = "--detect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the port-scan and SYN-flood detectors on the flow records; alerts go to ClickHouse"
                    + " table alerts and to --alerts-topic (default: on; --no-detect to skip).")
    boolean detect;

    @Option(names = "--alerts-topic", defaultValue = Topics.ALERTS, paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String alertsTopic;

    @Option(names = "--scan-ports", defaultValue = "15", paramLabel = "N",
            description = "Port scan: distinct ports on one host in a --scan-window (vertical scan; default: ${DEFAULT-VALUE}).")
    int scanPorts;

    @Option(names = "--scan-hosts", defaultValue = "25", paramLabel = "N",
            description = "Port scan: distinct hosts on one port in a --scan-window (horizontal sweep; default: ${DEFAULT-VALUE}).")
    int scanHosts;

    @Option(names = "--scan-window", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Port scan: counting window, also the quiet time that closes an episode (default: ${DEFAULT-VALUE}).")
    Duration scanWindow;

    @Option(names = "--flood-rate", defaultValue = "250", paramLabel = "PER_SECOND",
            description = "SYN flood: half-open attempts per second on one victim port (default: ${DEFAULT-VALUE}).")
    double floodRate;

    @Option(names = "--flood-min-attempts", defaultValue = "100", paramLabel = "N",
            description = "SYN flood: fewest half-open attempts in the window before the rate counts (default: ${DEFAULT-VALUE}).")
    int floodMinAttempts;

    @Option(names = "--flood-window", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "SYN flood: sliding window (a multiple of 10s), also the quiet time that closes an episode"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration floodWindow;

    // --- Heavy hitters per link (hh): not a detector, fed the same flow records; off with --no-detect too ---

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

    /**
     * The detectors' settings, or null with --no-detect.
     *
     * @throws IllegalArgumentException a threshold is out of range
     */
    DetectSettings settings() {
        if (!detect) {
            return null;
        }
        DetectSettings d = DetectSettings.defaults();
        return new DetectSettings(scanWindow, scanPorts, scanHosts, d.maxTrackedPerScanner(), floodWindow,
                d.floodStep(), floodRate, floodMinAttempts, d.floodMinSpan())
                .withHeavyHitters(new HeavyHitterSettings(heavyHitterWindow, heavyHitterCounters, heavyHitters));
    }
}
