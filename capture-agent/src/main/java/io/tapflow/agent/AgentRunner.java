package io.tapflow.agent;

import io.tapflow.agent.config.AgentConfig;
import io.tapflow.agent.config.ConfigException;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.export.JsonLinesSink;
import io.tapflow.agent.export.KafkaSink;
import io.tapflow.agent.export.NullSink;
import io.tapflow.agent.export.SynchronizedSink;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.LiveCapture;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.PacketSource;
import io.tapflow.agent.source.live.AfPacketSource;
import io.tapflow.agent.source.live.BpfProgram;
import io.tapflow.agent.source.live.PcapSource;
import io.tapflow.agent.stats.MetricsEndpoint;
import io.tapflow.agent.stats.StatsReporter;
import io.tapflow.agent.stats.CaptureThreadStats;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.schema.EndReason;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent run: over capture files (config → sink → meter (+ stats, metrics) → flush everything → close), or live on
 * an interface (sources → sink → one meter per capture thread → until stopped → flush every thread's flows → close).
 */
public final class AgentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);

    /** What one run did; the meter and its table stay readable for summaries. */
    public record Result(AgentIdentity identity, Meter meter, FlowSink.SinkCounters sink, CaptureReplay.Result replay) {
    }

    /** What a live run did: one meter per capture thread. */
    public record LiveResult(AgentIdentity identity, List<Meter> meters, FlowSink.SinkCounters sink, LiveCapture.Result capture) {
    }

    private AgentRunner() {
    }

    /**
     * Captures on {@code capture.interface} until {@code stop} says so, then flushes every flow of every thread.
     *
     * @throws io.tapflow.agent.source.live.LiveCaptureException when a source cannot start (before anything runs)
     */
    public static LiveResult runLive(AgentConfig.Concluded config, AgentIdentity identity, BooleanSupplier stop)
            throws IOException, InterruptedException {
        AgentConfig raw = config.raw();
        PatternMatcher matcher = openMatcher(config);
        List<PacketSource> sources;
        try {
            sources = openSources(raw.capture);
        } catch (RuntimeException e) {
            if (matcher != null) {
                matcher.close();
            }
            throw e;
        }
        FlowSink sink;
        try {
            sink = new SynchronizedSink(openSink(config, identity));
        } catch (IOException | RuntimeException e) {
            sources.forEach(PacketSource::close);
            throw e;
        }
        List<Meter> meters = new ArrayList<>();
        CaptureThreadStats stats = new CaptureThreadStats(new StatsReporter(identity, sink, () -> 0),
                sources.stream().<java.util.function.LongSupplier>map(s -> s::drops).toList());
        for (int i = 0; i < sources.size(); i++) {
            Meter meter = new Meter(config.meter(), sink, stats.listener(i), matcher);
            meter.table().numberFlows(i + 1, sources.size()); // records are identified by agent, start and flow_seq
            meters.add(meter);
        }
        LiveCapture capture = new LiveCapture(sources, meters, stop);
        MetricsEndpoint metrics = null;
        try {
            if (raw.metrics.port > 0) {
                metrics = new MetricsEndpoint(raw.metrics.port, stats::latest, sink::counters, identity.agentId(), identity.linkId(), capture::healthy);
            }
            capture.start();
            LOG.info("agent {} on link {}: capturing on {} ({}, {} thread(s), {} MiB ring each{}), output {}", identity.agentId(),
                    identity.linkId(), raw.capture.networkInterface, raw.capture.source.name().toLowerCase(), sources.size(),
                    raw.capture.ringMb, raw.capture.filter.isBlank() ? "" : ", filter '" + raw.capture.filter + "'",
                    raw.output.name().toLowerCase());
            LiveCapture.Result result = capture.awaitEnd();
            sink.close();
            return new LiveResult(identity, meters, sink.counters(), result);
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            if (matcher != null) {
                matcher.close();
            }
        }
    }

    private static List<PacketSource> openSources(AgentConfig.Capture capture) {
        List<PacketSource> sources = new ArrayList<>();
        try {
            if (capture.source == AgentConfig.Source.PCAP) {
                sources.add(new PcapSource(capture.networkInterface, (int) Math.min(Integer.MAX_VALUE, (long) capture.ringMb << 20),
                        capture.filter, capture.promiscuous, FrameBatch.DEFAULT_CAPACITY));
                return sources;
            }
            // One fanout group per agent process; the kernel keeps groups per network namespace.
            int group = capture.threads > 1 ? (int) (ProcessHandle.current().pid() & 0xFFFF) : -1;
            try (BpfProgram filter = capture.filter.isBlank() ? null : BpfProgram.compile(capture.filter, BpfProgram.DLT_EN10MB)) {
                for (int i = 0; i < capture.threads; i++) {
                    sources.add(new AfPacketSource(capture.networkInterface, (long) capture.ringMb << 20, filter, capture.promiscuous, group));
                }
            }
            return sources;
        } catch (RuntimeException e) {
            sources.forEach(PacketSource::close);
            throw e;
        }
    }

    public static Result run(AgentConfig.Concluded config, AgentIdentity identity, List<Path> files, BooleanSupplier stop)
            throws IOException {
        AgentConfig raw = config.raw();
        PatternMatcher matcher = openMatcher(config);
        FlowSink sink;
        try {
            sink = openSink(config, identity);
        } catch (IOException | RuntimeException e) {
            if (matcher != null) {
                matcher.close();
            }
            throw e;
        }
        StatsReporter stats = new StatsReporter(identity, sink, () -> 0);
        Meter meter = new Meter(config.meter(), sink, stats, matcher);
        MetricsEndpoint metrics = null;
        try {
            if (raw.metrics.port > 0) {
                metrics = new MetricsEndpoint(raw.metrics.port, stats::latest, sink::counters, identity.agentId(), identity.linkId());
            }
            LOG.info("agent {} on link {}: reading {} file(s), output {}, pattern matcher {}", identity.agentId(), identity.linkId(),
                    files.size(), raw.output.name().toLowerCase(), describe(matcher));
            CaptureReplay.Result replay = new CaptureReplay(meter, raw.replaySpeed, stop).run(files);
            meter.finish(replay.stopped() ? EndReason.SHUTDOWN : EndReason.END_OF_INPUT);
            sink.close();
            return new Result(identity, meter, sink.counters(), replay);
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            if (matcher != null) {
                matcher.close();
            }
        }
    }

    /** The configured matcher (Hyperscan falls back with a warning); a set the engine cannot compile is a config error. */
    static PatternMatcher openMatcher(AgentConfig.Concluded config) {
        try {
            return config.openMatcher(LOG::warn);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigException("pattern: " + e.getMessage(), e);
        }
    }

    /** "hyperscan, 72 signatures from ..." or "none", for the start-up log line. */
    static String describe(PatternMatcher matcher) {
        return matcher == null ? "none" : matcher.engine().configName() + " (" + matcher.signatures().size()
                + " signatures from " + matcher.signatures().source() + ")";
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
