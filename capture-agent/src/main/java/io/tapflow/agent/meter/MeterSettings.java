package io.tapflow.agent.meter;

/**
 * What the meter needs to know, already validated (see {@link io.tapflow.agent.config.AgentConfig}).
 *
 * @param samplePacketsPerDirection payload-bearing packets sampled per flow direction (0 = sampling off, at most 15)
 * @param sampleBytes bytes kept of each sampled payload (0 = sampling off)
 */
public record MeterSettings(int flowCapacity, long idleTimeoutNs, long activeTimeoutNs, long flushIntervalNs,
                            long closeGraceNs, int samplePacketsPerDirection, int sampleBytes, int fragmentEntries) {
    public static final int MAX_SAMPLES_PER_DIRECTION = 15;

    public static MeterSettings defaults() {
        // 1500 sampled bytes: 256 cut TLS ClientHellos and QUIC Initials short (94.1% DPI agreement vs 97.9%, BENCHMARKS.md).
        return new MeterSettings(262_144, 30_000_000_000L, 120_000_000_000L, 10_000_000_000L, 2_000_000_000L, 4, 1500, 65_536);
    }

    public boolean sampling() {
        return samplePacketsPerDirection > 0 && sampleBytes > 0;
    }
}
