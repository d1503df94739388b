package io.tapflow.jobs;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.dpi.DpiSettings;
import io.tapflow.jobs.sink.SinkBatching;
import io.tapflow.schema.Topics;
import java.io.Serializable;
import java.time.Duration;

/**
 * Everything the aggregation job can be told, with the defaults an operator gets when they say nothing.
 *
 * @param bounded           read each topic up to its end offsets at start, then finish. Watermarks are held back
 *                          until the end of input, so every window is exact whatever the order of the records: the
 *                          mode for reanalysis of stored traffic and for the demo. Otherwise the job streams.
 * @param maxOutOfOrderness how far behind the newest flow seen on a partition a flow may end and still be on time.
 *                          Agents export a flow at most idle-timeout + flush-cycle (30 s + 10 s by default) after its
 *                          last packet, so 60 s covers them with room.
 * @param idleness          a partition with no records for this long stops holding the watermark back.
 * @param allowedLateness   late flows within this are folded into corrected aggregates; later ones go to the
 *                          dead-letter topic, counted.
 * @param dpi               classify flows from payload.v1 before they are written and aggregated; null = off
 *                          (app and the other verdict columns stay empty)
 * @param detect            run the behavioural detectors on the flow records and write their alerts to ClickHouse
 *                          {@code alerts} and to {@code alertsTopic}; null = off
 * @param alertsTopic       where alerts go on Kafka (used only with {@code detect})
 */
public record AggregationSettings(String kafkaBootstrap, String flowsTopic, String statsTopic, String deadLetterTopic,
                                  String groupId, ClickHouseSettings clickhouse, boolean bounded,
                                  Duration maxOutOfOrderness, Duration idleness, Duration allowedLateness, int topN,
                                  Duration checkpointInterval, SinkBatching batching, int retentionDays,
                                  DpiSettings dpi, DetectSettings detect, String alertsTopic)
        implements Serializable {

    public static final String DEFAULT_GROUP = "tapflow-aggregation";

    public static AggregationSettings defaults(String kafkaBootstrap, ClickHouseSettings clickhouse) {
        return new AggregationSettings(kafkaBootstrap, Topics.FLOWS, Topics.AGENT_STATS, Topics.DEAD_LETTER,
                DEFAULT_GROUP, clickhouse, false, Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofMinutes(10), 20, Duration.ofSeconds(10), SinkBatching.DEFAULTS, 0, null,
                DetectSettings.defaults(), Topics.ALERTS);
    }

    /** Without DPI and without detection. */
    public AggregationSettings(String kafkaBootstrap, String flowsTopic, String statsTopic, String deadLetterTopic,
                               String groupId, ClickHouseSettings clickhouse, boolean bounded,
                               Duration maxOutOfOrderness, Duration idleness, Duration allowedLateness, int topN,
                               Duration checkpointInterval, SinkBatching batching, int retentionDays) {
        this(kafkaBootstrap, flowsTopic, statsTopic, deadLetterTopic, groupId, clickhouse, bounded, maxOutOfOrderness,
                idleness, allowedLateness, topN, checkpointInterval, batching, retentionDays, null, null, Topics.ALERTS);
    }

    public AggregationSettings {
        requirePositive(maxOutOfOrderness, "max out-of-orderness", true);
        requirePositive(idleness, "idleness", false);
        requirePositive(allowedLateness, "allowed lateness", true);
        requirePositive(checkpointInterval, "checkpoint interval", false);
        if (topN < 1) {
            throw new IllegalArgumentException("top-N must be at least 1, got " + topN);
        }
        if (retentionDays < 0) {
            throw new IllegalArgumentException("retention days must be 0 (off) or more, got " + retentionDays);
        }
        if (detect != null && (alertsTopic == null || alertsTopic.isBlank())) {
            throw new IllegalArgumentException("detection needs an alerts topic, got " + alertsTopic);
        }
    }

    public AggregationSettings withBounded(boolean isBounded) {
        return new AggregationSettings(kafkaBootstrap, flowsTopic, statsTopic, deadLetterTopic, groupId, clickhouse,
                isBounded, maxOutOfOrderness, idleness, allowedLateness, topN, checkpointInterval, batching,
                retentionDays, dpi, detect, alertsTopic);
    }

    public AggregationSettings withGroupId(String group) {
        return new AggregationSettings(kafkaBootstrap, flowsTopic, statsTopic, deadLetterTopic, group, clickhouse,
                bounded, maxOutOfOrderness, idleness, allowedLateness, topN, checkpointInterval, batching,
                retentionDays, dpi, detect, alertsTopic);
    }

    public AggregationSettings withBatching(SinkBatching sinkBatching) {
        return new AggregationSettings(kafkaBootstrap, flowsTopic, statsTopic, deadLetterTopic, groupId, clickhouse,
                bounded, maxOutOfOrderness, idleness, allowedLateness, topN, checkpointInterval, sinkBatching,
                retentionDays, dpi, detect, alertsTopic);
    }

    public AggregationSettings withTiming(Duration outOfOrderness, Duration idle, Duration lateness,
                                          Duration checkpoints) {
        return new AggregationSettings(kafkaBootstrap, flowsTopic, statsTopic, deadLetterTopic, groupId, clickhouse,
                bounded, outOfOrderness, idle, lateness, topN, checkpoints, batching, retentionDays, dpi, detect, alertsTopic);
    }

    public AggregationSettings withRetentionDays(int days) {
        return new AggregationSettings(kafkaBootstrap, flowsTopic, statsTopic, deadLetterTopic, groupId, clickhouse,
                bounded, maxOutOfOrderness, idleness, allowedLateness, topN, checkpointInterval, batching, days, dpi, detect, alertsTopic);
    }

    public AggregationSettings withDpi(DpiSettings settings) {
        return new AggregationSettings(kafkaBootstrap, flowsTopic, statsTopic, deadLetterTopic, groupId, clickhouse,
                bounded, maxOutOfOrderness, idleness, allowedLateness, topN, checkpointInterval, batching,
                retentionDays, settings, detect, alertsTopic);
    }

    /** Detection with these thresholds, alerts to {@code topic}; {@code settings} null turns detection off. */
    public AggregationSettings withDetect(DetectSettings settings, String topic) {
        return new AggregationSettings(kafkaBootstrap, flowsTopic, statsTopic, deadLetterTopic, groupId, clickhouse,
                bounded, maxOutOfOrderness, idleness, allowedLateness, topN, checkpointInterval, batching,
                retentionDays, dpi, settings, topic);
    }

    private static void requirePositive(Duration d, String what, boolean zeroAllowed) {
        if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new IllegalArgumentException(what + " must be " + (zeroAllowed ? "zero or more" : "positive")
                    + ", got " + d);
        }
    }
}
