package io.tapflow.jobs.cli;

import io.tapflow.jobs.ReplayJob;
import io.tapflow.jobs.ReplaySettings;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.jobs.dpi.DpiSettings;
import io.tapflow.jobs.sink.SinkBatching;
import io.tapflow.schema.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code replay}: re-runs DPI over a time range of flows.v1/payload.v1 with other rules, under an analysis name. */
@Command(name = "replay", mixinStandardHelpOptions = true, usageHelpWidth = 120, sortOptions = false,
        description = {"Reanalysis: re-reads flows.v1 and payload.v1 records published between --from and --to (Kafka",
            "offsets looked up by record timestamp, i.e. when the agents published them, not capture time) through the",
            "DPI stage of the live job with the given rules, and writes each flow's verdict to ClickHouse table",
            "flow_verdicts and to verdicts.v1, tagged with --analysis. It never writes flows, the aggregates or the",
            "dead-letter topic, and commits no offsets: live results stay as they were. Running an analysis name",
            "again replaces its verdicts (ReplacingMergeTree on analysis + flow identity, query with FINAL).",
            "Payload samples are read from --payload-lead before --from, since agents publish a flow's samples before",
            "its record. Runs bounded on a local MiniCluster (or the Flink cluster it is submitted to) and exits.",
            "",
            "Example: change a host rule, then compare the new verdicts with the live ones:",
            "  ./tapflow replay --from -2h --to now --host-rules my-hosts.txt --analysis new-hosts \\",
            "      --kafka 127.0.0.1:9092 --clickhouse http://127.0.0.1:8123",
            "  SELECT flow_seq, server_name, app AS live_app, new_app FROM tapflow.flows FINAL",
            "  ANY INNER JOIN (SELECT agent_id, agent_start_ms, flow_seq, app AS new_app FROM tapflow.flow_verdicts FINAL",
            "      WHERE analysis = 'new-hosts') USING (agent_id, agent_start_ms, flow_seq) WHERE app != new_app"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the replay finished", "1:it failed (Kafka or ClickHouse unreachable, job error)",
            "2:bad arguments (time, range, rule file, analysis name)"})
final class ReplayCommand implements Callable<Integer> {
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Mixin
    ClickHouseOptions clickhouse;

    @Mixin
    DpiOptions dpiOptions;

    @Option(names = "--from", required = true, paramLabel = "TIME", converter = InstantConverter.class,
            description = "Start (inclusive): ISO-8601 (2026-11-23T06:00:00Z; no offset = UTC), a date, now, or -2h/-30m/-1d.")
    Instant from;

    @Option(names = "--to", required = true, paramLabel = "TIME", converter = InstantConverter.class,
            description = "End (exclusive), same forms; must be after --from.")
    Instant to;

    @Option(names = "--analysis", paramLabel = "NAME", defaultValue = "replay",
            description = "Tag of the verdicts: 1-64 of A-Z a-z 0-9 _ . : - , not 'live' (default: ${DEFAULT-VALUE}).")
    String analysis;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String kafka;

    @Option(names = "--flows-topic", defaultValue = Topics.FLOWS, paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String flowsTopic;

    @Option(names = "--payload-lead", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Read payload samples from this long before --from (default: ${DEFAULT-VALUE}).")
    Duration payloadLead;

    @Option(names = "--parallelism", defaultValue = "0", paramLabel = "N",
            description = "Job parallelism (default: 0 = the environment's; locally the number of cores).")
    int parallelism;

    @Option(names = "--migrate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Apply pending ClickHouse migrations first, so flow_verdicts exists (default: on).")
    boolean migrate;

    @Override
    public Integer call() throws Exception {
        ClickHouseSettings ch = clickhouse.settings();
        ReplaySettings settings;
        try {
            DpiSettings dpi = dpiOptions.settings().withAnalysis(analysis);
            settings = new ReplaySettings(kafka, flowsTopic, ch, from, to, payloadLead, dpi, SinkBatching.DEFAULTS,
                    Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        requireTopics(kafka, List.of(flowsTopic, dpiOptions.payloadTopic));
        PrintWriter out = spec.commandLine().getOut();
        if (migrate) {
            var applied = new Migrator(ch).migrate();
            out.printf("ClickHouse %s: %d migration(s) applied%n", ch, applied.size());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        ReplayJob.build(env, settings);
        out.printf("%s: %s %s .. %s with %s → %s flow_verdicts, analysis '%s'%n", ReplayJob.NAME, kafka, from, to,
                settings.dpi().rules(), ch, analysis);
        out.flush();
        env.execute(ReplayJob.NAME + " " + analysis);
        out.printf("replay '%s' finished%n", analysis);
        return 0;
    }

    /** Fails fast, in one line, when the broker is unreachable or a topic is missing (the job would only retry). */
    static void requireTopics(String bootstrap, List<String> topics) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            Map<String, TopicDescription> found = admin.describeTopics(topics).allTopicNames()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (found.size() != topics.size()) {
                throw new IllegalStateException("Kafka at " + bootstrap + " lacks topics " + topics);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new IllegalStateException("Kafka at " + bootstrap + " unreachable (no answer within "
                        + KAFKA_TIMEOUT.toSeconds() + " s)", e);
            }
            throw new IllegalStateException("Kafka at " + bootstrap + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " unreachable (no answer within "
                    + KAFKA_TIMEOUT.toSeconds() + " s)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reaching Kafka at " + bootstrap, e);
        }
    }
}
