package io.tapflow.jobs.cli;

import io.tapflow.jobs.AggregationJob;
import io.tapflow.jobs.AggregationSettings;
import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.jobs.sink.SinkBatching;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aggregate}: runs the aggregation job. From the launcher it runs on a Flink MiniCluster in this JVM; as the
 * entry class of a Flink deployment (application mode) the same arguments run it on that cluster.
 */
@Command(name = "aggregate", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Runs the aggregation job: flows.v1 and agent-stats.v1 from Kafka into ClickHouse (raw flows,",
            "1-minute and 1-hour aggregates per link x L4 protocol x application x addresses x service port, per-link",
            "totals, top talkers, agent stats). With DPI (on unless --no-dpi), each flow is first classified from its",
            "payload.v1 samples: the verdict fills flows.app/category/server_name/ja3/ja4, keys the aggregates by",
            "application and goes to verdicts.v1 (analysis 'live'). A flow is classified once the watermark passes its",
            "last packet, so its row reaches ClickHouse about --max-out-of-orderness after the flow record.",
            "With detection (on unless --no-detect), the flow records also go through the port-scan and SYN-flood",
            "detectors: an OPEN and a CLOSED alert per episode, to ClickHouse table alerts and to alerts.v1; and the",
            "top --heavy-hitters addresses per link and window (senders and receivers by bytes and packets, Space-Saving)",
            "go to ClickHouse table heavy_hitters.",
            "Event time is each flow's last packet. Undecodable records and flows",
            "later than --allowed-lateness go to the dead-letter topic. Checkpoints make restarts resume where they",
            "stopped; ClickHouse tables are ReplacingMergeTree, so rows written twice count once (query with FINAL).",
            "Example: ./tapflow aggregate --kafka 127.0.0.1:9092 --clickhouse http://127.0.0.1:8123"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:a --bounded run finished", "1:the job failed", "2:bad arguments"})
final class AggregateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClickHouseOptions clickhouse;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String kafka;

    @Option(names = "--group-id", paramLabel = "ID", defaultValue = AggregationSettings.DEFAULT_GROUP,
            description = "Kafka consumer group; offsets are committed on checkpoints (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--flows-topic", defaultValue = io.tapflow.schema.Topics.FLOWS, paramLabel = "TOPIC",
            description = "Default: ${DEFAULT-VALUE}.")
    String flowsTopic;

    @Option(names = "--stats-topic", defaultValue = io.tapflow.schema.Topics.AGENT_STATS, paramLabel = "TOPIC",
            description = "Default: ${DEFAULT-VALUE}.")
    String statsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = io.tapflow.schema.Topics.DEAD_LETTER, paramLabel = "TOPIC",
            description = "Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Option(names = "--bounded", description = {"Read the topics up to their current end, then finish. Watermarks wait",
        "for the end of input, so every window is exact whatever the order (for reanalysis and the demo)."})
    boolean bounded;

    @Option(names = "--max-out-of-orderness", defaultValue = "60s", converter = DurationConverter.class,
            paramLabel = "DURATION", description = "How late a flow may end behind the newest on its partition and still be on time (default: ${DEFAULT-VALUE}).")
    Duration maxOutOfOrderness;

    @Option(names = "--idleness", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A partition silent this long stops holding the watermark back (default: ${DEFAULT-VALUE}).")
    Duration idleness;

    @Option(names = "--allowed-lateness", defaultValue = "10m", converter = DurationConverter.class,
            paramLabel = "DURATION", description = "Late flows within this correct their windows; later ones are dead letters (default: ${DEFAULT-VALUE}).")
    Duration allowedLateness;

    @Option(names = "--top", defaultValue = "20", paramLabel = "N", description = "Talkers kept per link and window (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--checkpoint-interval", defaultValue = "10s", converter = DurationConverter.class,
            paramLabel = "DURATION", description = "Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(names = "--batch-rows", defaultValue = "50000", paramLabel = "N",
            description = "ClickHouse insert batch size (default: ${DEFAULT-VALUE}).")
    int batchRows;

    @Option(names = "--batch-age", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Insert a batch once its oldest row is this old (default: ${DEFAULT-VALUE}).")
    Duration batchAge;

    @Option(names = "--retention-days", defaultValue = "0", paramLabel = "N",
            description = "Drop partitions older than N days every hour (default: 0 = off; see also ./tapflow retention).")
    int retentionDays;

    @Option(names = "--parallelism", defaultValue = "0", paramLabel = "N",
            description = "Job parallelism (default: 0 = the environment's; locally the number of cores).")
    int parallelism;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = {"Where checkpoints go (file:///..., s3://..., hdfs://...). Default on a local MiniCluster:",
                "a tapflow-checkpoints dir under java.io.tmpdir (the JobManager's heap holds at most 5 MB of state);",
                "on a Flink cluster: its state.checkpoints.dir."})
    String checkpointDir;

    @Option(names = "--dpi", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Classify flows from payload.v1 (default: on; --no-dpi leaves app and the other verdict columns empty).")
    boolean dpi;

    @Mixin
    DpiOptions dpiOptions;

    @Mixin
    DetectOptions detectOptions;

    @Mixin
    HeavyHitterOptions heavyHitterOptions;

    @Option(names = "--migrate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Apply pending ClickHouse migrations before starting (default: on; --no-migrate to skip).")
    boolean migrate;

    @Override
    public Integer call() throws Exception {
        ClickHouseSettings ch = clickhouse.settings();
        AggregationSettings settings = settings(ch);
        PrintWriter out = spec.commandLine().getOut();
        if (migrate) {
            var applied = new Migrator(ch).migrate();
            out.printf("ClickHouse %s: %d migration(s) applied%n", ch, applied.size());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        AggregationJob.build(env, settings);
        String checkpoints = checkpointDir != null ? checkpointDir
                : env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                        .orElse(Path.of(System.getProperty("java.io.tmpdir"), "tapflow-checkpoints").toUri().toString());
        Configuration storage = new Configuration();
        storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
        env.configure(storage);
        out.printf("%s: %s → %s (%s, %s), checkpoints in %s%n", AggregationJob.NAME, kafka, ch,
                bounded ? "bounded" : "streaming", (dpi ? "DPI with " + settings.dpi().rules() : "no DPI")
                        + (settings.detect() != null ? ", detection" : ", no detection"), checkpoints);
        out.flush();
        env.execute(AggregationJob.NAME);
        return 0;
    }

    /** The detectors' thresholds with the heavy-hitter settings, or null with --no-detect. */
    private DetectSettings detectSettings() {
        DetectSettings detect = detectOptions.settings();
        return detect == null ? null : detect.withHeavyHitters(heavyHitterOptions.settings());
    }

    /** The job's settings from the options; bad values are a {@link ParameterException} (exit code 2). */
    AggregationSettings settings(ClickHouseSettings ch) {
        try {
            return new AggregationSettings(kafka, flowsTopic, statsTopic, deadLetterTopic, groupId, ch, bounded,
                    maxOutOfOrderness, idleness, allowedLateness, top, checkpointInterval,
                    SinkBatching.DEFAULTS.withMaxRows(batchRows).withMaxAge(batchAge), retentionDays,
                    dpi ? dpiOptions.settings() : null, detectSettings(), detectOptions.alertsTopic);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
