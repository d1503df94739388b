package io.tapflow.agent;

import io.tapflow.agent.config.AgentConfig;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.export.JsonLinesSink;
import io.tapflow.agent.export.KafkaSink;
import io.tapflow.agent.export.NullSink;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.stats.MetricsEndpoint;
import io.tapflow.agent.stats.StatsReporter;
import io.tapflow.schema.EndReason;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One agent run over capture files: config → sink → meter (+ stats, metrics) → flush everything → close. */
public final class AgentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);

    /** What one run did; the meter and its table stay readable for summaries. */
    public record Result(AgentIdentity identity, Meter meter, FlowSink.SinkCounters sink, CaptureReplay.Result replay) {
    }

    private AgentRunner() {
    }

    public static Result run(AgentConfig.Concluded config, AgentIdentity identity, List<Path> files, BooleanSupplier stop)
            throws IOException {
        AgentConfig raw = config.raw();
        FlowSink sink = openSink(config, identity);
        StatsReporter stats = new StatsReporter(identity, sink, () -> 0);
        Meter meter = new Meter(config.meter(), sink, stats);
        MetricsEndpoint metrics = null;
        try {
            if (raw.metrics.port > 0) {
                metrics = new MetricsEndpoint(raw.metrics.port, stats::latest, sink::counters, identity.agentId(), identity.linkId());
            }
            LOG.info("agent {} on link {}: reading {} file(s), output {}", identity.agentId(), identity.linkId(), files.size(),
                    raw.output.name().toLowerCase());
            CaptureReplay.Result replay = new CaptureReplay(meter, raw.replaySpeed, stop).run(files);
            meter.finish(replay.stopped() ? EndReason.SHUTDOWN : EndReason.END_OF_INPUT);
            sink.close();
            return new Result(identity, meter, sink.counters(), replay);
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    static FlowSink openSink(AgentConfig.Concluded config, AgentIdentity identity) throws IOException {
        AgentConfig raw = config.raw();
        return switch (raw.output) {
            case NONE -> new NullSink();
            case JSONL -> new JsonLinesSink(jsonWriter(raw.jsonlPath), identity);
            case KAFKA -> new KafkaSink(raw.kafka.producer, raw.kafka.bootstrap,
                    new KafkaSink.KafkaTopics(raw.kafka.flowsTopic, raw.kafka.payloadTopic, raw.kafka.statsTopic), identity,
                    raw.kafka.bufferRecords, config.kafkaDeliveryTimeout(), config.kafkaCloseTimeout());
        };
    }

    private static Writer jsonWriter(String path) throws IOException {
        if (path.equals("-")) {
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        }
        return Files.newBufferedWriter(Path.of(path), StandardCharsets.UTF_8);
    }
}
