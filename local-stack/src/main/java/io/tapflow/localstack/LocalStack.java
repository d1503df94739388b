package io.tapflow.localstack;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.config.AgentConfig;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.jobs.AggregationJob;
import io.tapflow.jobs.AggregationSettings;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.jobs.dpi.DpiSettings;
import io.tapflow.jobs.dpi.RuleSet;
import io.tapflow.schema.Topics;
import io.tapflow.servers.EmbeddedClickHouse;
import io.tapflow.servers.EmbeddedKafka;
import io.tapflow.servers.KafkaTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on one machine: a KRaft broker in this JVM, a clickhouse-server child process, agents as
 * threads, and the Flink jobs on a MiniCluster. Used by the demo and by the end-to-end tests; {@link #close()} stops
 * every server and deletes their temp dirs. {@link #on} runs the same agents and jobs against servers elsewhere.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    public static final int PARTITIONS = 3;

    private final String kafkaBootstrap;
    private final ClickHouseSettings clickhouseSettings;
    /** The embedded servers this stack started and stops; none when it runs on servers of someone else's. */
    private final List<AutoCloseable> owned;

    private LocalStack(String kafkaBootstrap, ClickHouseSettings clickhouse, List<AutoCloseable> owned) {
        this.kafkaBootstrap = kafkaBootstrap;
        this.clickhouseSettings = clickhouse;
        this.owned = owned;
    }

    /**
     * Starts Kafka and ClickHouse, creates the topics and applies the ClickHouse migrations.
     *
     * @throws IllegalStateException when clickhouse-server is not installed (the message says how to install it)
     */
    public static LocalStack start() {
        EmbeddedClickHouse clickhouse = new EmbeddedClickHouse(); // fails first, and cheaply, if it is not installed
        EmbeddedKafka kafka = null;
        try {
            clickhouse.start();
            kafka = new EmbeddedKafka().start();
            // Kafka stops before ClickHouse, as the job that writes to ClickHouse reads from Kafka.
            return prepare(new LocalStack(kafka.bootstrap(), ClickHouseSettings.of(clickhouse.httpUrl()),
                    List.of(kafka, clickhouse)));
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            clickhouse.close();
            throw e;
        }
    }

    /**
     * The same stack on servers that run elsewhere (a Kafka cluster, a current ClickHouse): creates the topics if
     * they are missing and applies the migrations; {@link #close()} leaves the servers running.
     */
    public static LocalStack on(String kafkaBootstrap, ClickHouseSettings clickhouse) {
        return prepare(new LocalStack(kafkaBootstrap, clickhouse, List.of()));
    }

    private static LocalStack prepare(LocalStack stack) {
        for (String topic : List.of(Topics.FLOWS, Topics.PAYLOAD, Topics.AGENT_STATS, Topics.DEAD_LETTER,
                Topics.VERDICTS, Topics.ALERTS)) {
            KafkaTopics.create(stack.kafkaBootstrap, topic, PARTITIONS);
        }
        new Migrator(stack.clickhouseSettings).migrate();
        return stack;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public ClickHouseSettings clickhouse() {
        return clickhouseSettings;
    }

    public ClickHouseQueries queries() {
        return ClickHouseQueries.open(clickhouseSettings);
    }

    /** One agent per capture file, each its own link named after the file, {@code parallel} at a time. */
    public List<AgentRunner.Result> runAgents(List<Path> captures, int parallel) throws Exception {
        return runAgents(captures, parallel, null, null);
    }

    /**
     * As {@link #runAgents(List, int)}, with the agents' payload sampler set to {@code samplePackets} per direction
     * of {@code sampleBytes} each (null: the agent's defaults).
     */
    public List<AgentRunner.Result> runAgents(List<Path> captures, int parallel, Integer samplePackets,
                                              Integer sampleBytes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<AgentRunner.Result>> futures = new ArrayList<>();
            for (Path file : captures) {
                futures.add(pool.submit(() -> runAgent(file, samplePackets, sampleBytes)));
            }
            List<AgentRunner.Result> results = new ArrayList<>();
            for (Future<AgentRunner.Result> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private AgentRunner.Result runAgent(Path file, Integer samplePackets, Integer sampleBytes) throws Exception {
        String link = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        AgentConfig config = new AgentConfig();
        config.agentId = "demo-" + link;
        config.linkId = link;
        config.output = AgentConfig.Output.KAFKA;
        config.kafka.bootstrap = kafkaBootstrap;
        config.flow.capacity = 65_536;
        if (samplePackets != null) {
            config.sampling.packetsPerDirection = samplePackets;
        }
        if (sampleBytes != null) {
            config.sampling.bytes = sampleBytes;
        }
        return AgentRunner.run(config.conclude(), new AgentIdentity(config.agentId, link, System.currentTimeMillis()),
                List.of(file), () -> false);
    }

    /**
     * Runs the aggregation job with DPI (bundled rules) and the detectors (default thresholds) over everything in the topics now (bounded: windows are exact
     * whatever the order of the captures' timestamps) and returns when it has finished and flushed into ClickHouse.
     */
    public void runAggregation(int parallelism) throws Exception {
        runAggregation(parallelism, DpiSettings.live(RuleSet.bundled()));
    }

    /** As {@link #runAggregation(int)} with these DPI settings, or without DPI when {@code dpi} is null. */
    public void runAggregation(int parallelism, DpiSettings dpi) throws Exception {
        AggregationSettings settings = AggregationSettings.defaults(kafkaBootstrap, clickhouseSettings)
                .withBounded(true).withGroupId("demo-aggregation-" + System.nanoTime()).withDpi(dpi);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        AggregationJob.build(env, settings);
        long started = System.nanoTime();
        env.execute(AggregationJob.NAME);
        LOG.info("aggregation job finished in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /** Records in a topic now (sum of end offsets minus start offsets over its partitions). */
    public long recordsIn(String topic) {
        return KafkaTopics.recordCount(kafkaBootstrap, topic);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable server : owned) {
            try {
                server.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the local stack's servers", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
