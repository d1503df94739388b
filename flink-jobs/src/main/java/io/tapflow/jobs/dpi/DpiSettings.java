package io.tapflow.jobs.dpi;

import io.tapflow.schema.Topics;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the DPI stage classifies.
 *
 * @param analysis           tag of the verdicts: {@link #LIVE} for the streaming job, a replay's name otherwise
 * @param maxSamplesPerFlow  samples kept per flow; more are dropped and counted ({@code samplesOverBound}). The agent
 *                           sends at most 15 per direction.
 * @param maxBytesPerFlow    payload bytes kept per flow, same policy
 * @param orphanTimeout      event time a sample waits for its flow record before it is dropped and counted
 *                           ({@code orphanSamples}). A record follows its samples by at most the active timeout (a
 *                           long flow's samples are in its first slice), so this must exceed 120 s with room.
 * @param lateSampleWindow   event time after a flow's verdict during which samples still arriving for it are counted
 *                           ({@code lateSamples}) rather than waiting as orphans
 */
public record DpiSettings(RuleSet rules, String analysis, String payloadTopic, String verdictsTopic,
                          int maxSamplesPerFlow, int maxBytesPerFlow, Duration orphanTimeout,
                          Duration lateSampleWindow) implements Serializable {
    public static final String LIVE = "live";

    public static DpiSettings live(RuleSet rules) {
        return new DpiSettings(rules, LIVE, Topics.PAYLOAD, Topics.VERDICTS, 32, 128 * 1024, Duration.ofMinutes(5),
                Duration.ofMinutes(5));
    }

    public DpiSettings {
        if (rules == null) {
            throw new IllegalArgumentException("DPI needs a rule set");
        }
        if (analysis == null || !analysis.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new IllegalArgumentException("analysis name must be 1-64 of A-Z a-z 0-9 _ . : -, got " + analysis);
        }
        if (maxSamplesPerFlow < 1 || maxBytesPerFlow < 1) {
            throw new IllegalArgumentException("per-flow sample bounds must be positive, got " + maxSamplesPerFlow
                    + " samples, " + maxBytesPerFlow + " bytes");
        }
        if (orphanTimeout.compareTo(Duration.ofSeconds(150)) < 0 || lateSampleWindow.isNegative()) {
            throw new IllegalArgumentException("orphan timeout must be at least 150 s (active timeout + room), got "
                    + orphanTimeout + "; late-sample window zero or more, got " + lateSampleWindow);
        }
    }

    public DpiSettings withAnalysis(String name) {
        return new DpiSettings(rules, name, payloadTopic, verdictsTopic, maxSamplesPerFlow, maxBytesPerFlow,
                orphanTimeout, lateSampleWindow);
    }

    public DpiSettings withTopics(String payload, String verdicts) {
        return new DpiSettings(rules, analysis, payload, verdicts, maxSamplesPerFlow, maxBytesPerFlow, orphanTimeout,
                lateSampleWindow);
    }
}
