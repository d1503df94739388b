package io.tapflow.jobs;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.dpi.DpiSettings;
import io.tapflow.jobs.sink.SinkBatching;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * A DPI replay: flows.v1 and payload.v1 records published in [from, to) re-classified with {@code dpi}'s rules,
 * the verdicts written to {@code flow_verdicts} and the verdicts topic under {@code dpi.analysis()}.
 *
 * @param from        first Kafka record time read (record timestamps are when agents published, not capture times)
 * @param to          end of the range, exclusive
 * @param payloadLead payload samples are read from {@code from - payloadLead}: an agent publishes a flow's samples
 *                    when it captures them and the record when the flow ends, up to active timeout + idle timeout +
 *                    flush cycle (≈ 160 s) later, so flows near {@code from} keep their samples
 */
public record ReplaySettings(String kafkaBootstrap, String flowsTopic, ClickHouseSettings clickhouse, Instant from,
                             Instant to, Duration payloadLead, DpiSettings dpi, SinkBatching batching,
                             Duration checkpointInterval) implements Serializable {

    public ReplaySettings {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("--to must be after --from: from " + from + ", to " + to);
        }
        if (payloadLead.isNegative()) {
            throw new IllegalArgumentException("payload lead must be zero or more, got " + payloadLead);
        }
        if (DpiSettings.LIVE.equals(dpi.analysis())) {
            throw new IllegalArgumentException("analysis name '" + DpiSettings.LIVE + "' is the live job's: choose another");
        }
    }

    /** The consumer group: the replay's own, never the live job's, and offsets are not committed anyway. */
    public String groupId() {
        return "tapflow-replay-" + dpi.analysis();
    }
}
