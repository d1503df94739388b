package io.tapflow.localstack.bench;

import io.tapflow.jobs.AggregationJob;
import io.tapflow.jobs.AggregationSettings;
import io.tapflow.jobs.dpi.DpiSettings;
import io.tapflow.jobs.dpi.RuleSet;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.localstack.Table;
import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.FlowKeys;
import io.tapflow.schema.FlowRecord;
import io.tapflow.servers.EmbeddedClickHouse;
import io.tapflow.servers.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tapflow bench pipeline}: generated flow records through Kafka → the aggregation job → ClickHouse on this
 * machine, with rates per stage and end to end, and produce → visible latency.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, usageHelpWidth = 120, sortOptions = false,
        description = {
            "Pushes N generated flow records through the whole pipeline on this machine and measures it: an embedded",
            "Kafka (KRaft) broker, a local clickhouse-server, and the aggregation job (streaming, default settings) on a",
            "Flink MiniCluster, all in this JVM except ClickHouse. Each record's last_ms is its produce time, so event time",
            "is 'now' as with live traffic.",
            "",
            "Prints records/s for: the producer (acked by Kafka); Kafka -> ClickHouse (last poll that saw no row to all rows visible in the",
            "raw flows table); end to end (first record produced -> all N rows counted in flows FINAL). And the latency",
            "from produce to row visible in flows, p50/p99/max: ClickHouse is polled (one GROUP BY over 100 ms buckets",
            "of last_ms per poll), so figures have about bucket + poll-interval resolution.",
            "",
            "Full speed: --rate 0 (default; latency then includes the backlog). Latency at a sustainable rate: --rate R.",
            "Exit status 0 when every record arrived exactly once (flows FINAL count = N), 1 otherwise."})
public final class PipelineBenchCommand implements Callable<Integer> {
    @Option(names = "--records", paramLabel = "N", description = "Flow records to push (default ${DEFAULT-VALUE}).")
    long records = 2_000_000;

    @Option(names = "--rate", paramLabel = "R", description = "Records/s to produce at; 0 = as fast as the producer can (default ${DEFAULT-VALUE}).")
    long rate = 0;

    @Option(names = "--links", paramLabel = "N", description = "Links, one agent each, in the generated traffic (default ${DEFAULT-VALUE}).")
    int links = 4;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the flows topic (default ${DEFAULT-VALUE}).")
    int partitions = 2;

    @Option(names = "--parallelism", paramLabel = "N", description = "Parallelism of the aggregation job (default ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(names = "--poll-ms", paramLabel = "MS", description = "How often ClickHouse is polled for visible rows (default ${DEFAULT-VALUE}).")
    long pollMs = 250;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up when not every row is visible after this long (default ${DEFAULT-VALUE}).")
    long timeoutSeconds = 900;

    @Option(names = "--seed", paramLabel = "N", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--no-dpi", description = "Run the job without its DPI stage (it runs with it by default, as tapflow aggregate"
            + " does; the generated records say they have no payload samples, so DPI classifies each on arrival).")
    boolean noDpi;

    private final PrintStream out;

    public PipelineBenchCommand() {
        this(System.out);
    }

    PipelineBenchCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        // The MiniCluster logs every deployment step at info; the bench prints its own progress.
        quietByDefault("org.apache.flink", "warn");
        quietByDefault("org.apache.flink.runtime.metrics", "error"); // duplicate-metric and name-length warnings
        quietByDefault("org.apache.flink.metrics", "error");
        quietByDefault("org.apache.flink.runtime.webmonitor", "error");
        quietByDefault("org.apache.flink.runtime.security", "error");
        System.exit(new CommandLine(new PipelineBenchCommand()).execute(args));
    }

    private static void quietByDefault(String logger, String level) {
        String key = "org.slf4j.simpleLogger.log." + logger;
        if (System.getProperty(key) == null) {
            System.setProperty(key, level);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (records < 1 || rate < 0 || links < 1 || partitions < 1 || parallelism < 1 || pollMs < 10) {
            throw new CommandLine.ParameterException(new CommandLine(this), "need --records >= 1, --rate >= 0, "
                    + "--links/--partitions/--parallelism >= 1 and --poll-ms >= 10");
        }
        printContext();
        try (EmbeddedKafka kafka = new EmbeddedKafka().start();
             EmbeddedClickHouse clickhouse = new EmbeddedClickHouse().start()) {
            ClickHouseSettings ch = ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("tapflow_bench");
            new Migrator(ch).migrate();
            AggregationSettings settings = AggregationSettings.defaults(kafka.bootstrap(), ch)
                    .withGroupId("tapflow-bench");
            List<String> topics = new ArrayList<>(List.of(settings.flowsTopic(), settings.statsTopic(), settings.deadLetterTopic()));
            if (!noDpi) {
                DpiSettings dpi = DpiSettings.live(RuleSet.bundled());
                settings = settings.withDpi(dpi);
                topics.addAll(List.of(dpi.payloadTopic(), dpi.verdictsTopic()));
            }
            for (String topic : topics) {
                kafka.createTopic(topic, partitions);
            }
            try (ClickHouseQueries db = ClickHouseQueries.open(ch)) {
                out.printf("Kafka %s (%d partitions), ClickHouse %s at %s, aggregation job parallelism %d, %s%n",
                        kafka.bootstrap(), partitions, db.select("SELECT version()").single(), clickhouse.httpUrl(),
                        parallelism, noDpi ? "no DPI" : "with DPI");
                out.flush();
                Path checkpoints = Files.createTempDirectory("tapflow-bench-checkpoints-");
                JobClient job = startJob(settings, checkpoints);
                try (KafkaProducer<byte[], byte[]> producer = KafkaBench.agentProducer(kafka.bootstrap())) {
                    warmUp(producer, settings.flowsTopic(), db, job);
                    return measure(producer, settings.flowsTopic(), db, job, CpuClock.ofProcess(clickhouse.pid()));
                } finally {
                    job.cancel().get();
                    deleteTree(checkpoints);
                }
            }
        }
    }

    private void printContext() {
        Runtime rt = Runtime.getRuntime();
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (Exception ignored) {
            // not Linux: the core count below is what matters
        }
        out.printf("Machine: %d cores available to the JVM (%s), load average %.2f; %s %s, max heap %,d MB%n",
                rt.availableProcessors(), cpu, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                rt.maxMemory() >> 20);
        out.printf("Run: %,d records, %s, %d links, seed %d%n", records,
                rate == 0 ? "as fast as possible" : String.format("paced at %,d records/s", rate), links, seed);
        out.flush();
    }

    private JobClient startJob(AggregationSettings settings, Path checkpoints) throws Exception {
        Configuration conf = new Configuration();
        // The default checkpoint storage (the JobManager's heap) refuses state over 5 MB, which the windows of a few
        // hundred thousand distinct flows exceed: checkpoints go to files, as they would on a real cluster.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        AggregationJob.build(env, settings);
        return env.executeAsync("tapflow-bench-pipeline");
    }

    /** One record of another identity through the whole job, so the measured run starts with every task deployed. */
    private void warmUp(KafkaProducer<byte[], byte[]> producer, String topic, ClickHouseQueries db, JobClient job)
            throws Exception {
        out.print("Waiting for the job to deploy and a warm-up record to reach ClickHouse...");
        out.flush();
        long started = System.nanoTime();
        FlowGenerator warm = new FlowGenerator(1, 1, seed);
        AvroCodec<FlowRecord> codec = AvroCodec.of(FlowRecord.class);
        FlowRecord r = warm.next(System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, FlowKeys.of(r), codec.encode(r))).get();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!"1".equals(db.select("SELECT count() FROM flows WHERE agent_start_ms = 1").single())) {
            checkJob(job);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the warm-up record did not reach ClickHouse within 120 s");
            }
            Thread.sleep(100);
        }
        out.printf(" %.1f s%n", (System.nanoTime() - started) / 1e9);
        out.flush();
    }

    private int measure(KafkaProducer<byte[], byte[]> producer, String topic, ClickHouseQueries db, JobClient job,
                        CpuClock clickhouseCpu) throws Exception {
        long jvmCpu0 = CpuClock.thisProcessNanos();
        long clickhouseCpu0 = clickhouseCpu.nanos();
        long origin = System.currentTimeMillis();
        LatencyTracker tracker = new LatencyTracker(origin, Duration.ofSeconds(timeoutSeconds).toMillis());
        FlowGenerator generator = new FlowGenerator(links, origin, seed);
        AtomicLong acked = new AtomicLong();
        AtomicLong lastAckNanos = new AtomicLong();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        long[] firstSendNanos = new long[1];
        Thread producing = Thread.ofPlatform().name("bench-producer").start(() -> {
            AvroCodec<FlowRecord> codec = AvroCodec.of(FlowRecord.class);
            long start = System.nanoTime();
            firstSendNanos[0] = start;
            for (long i = 0; i < records && sendFailure.get() == null; i++) {
                if (rate > 0) {
                    long due = start + (long) (i * 1e9 / rate);
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(Math.min(due - now, 1_000_000));
                    }
                }
                long ms = System.currentTimeMillis();
                FlowRecord r = generator.next(ms);
                tracker.produced(ms);
                producer.send(new ProducerRecord<>(topic, FlowKeys.of(r), codec.encode(r)), (meta, e) -> {
                    if (e != null) {
                        sendFailure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                        lastAckNanos.set(System.nanoTime());
                    }
                });
            }
            producer.flush();
            tracker.producerFinished();
        });

        // Poll ClickHouse on this thread until all N rows are visible.
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        long firstVisibleNanos = 0;
        // The stage starts at the last poll that saw no row: a whole run can become visible in one insert.
        long lastEmptyPollNanos = firstSendNanos[0];
        long allVisibleNanos = 0;
        long visible = 0;
        long nextStatus = System.nanoTime() + 5_000_000_000L;
        String agentFilter = "agent_start_ms = " + generator.agentStartMs();
        while (visible < records) {
            if (sendFailure.get() != null) {
                throw new IllegalStateException("Kafka refused a record: " + sendFailure.get(), sendFailure.get());
            }
            if (System.nanoTime() > deadline) {
                out.printf("%nTIMEOUT: %,d of %,d rows visible after %d s%n", visible, records, timeoutSeconds);
                return 1;
            }
            long pollStartMs = System.currentTimeMillis();
            long pollStartNanos = System.nanoTime();
            var result = db.select("SELECT intDiv(last_ms, " + LatencyTracker.BUCKET_MS + ") AS b, count() AS n"
                    + " FROM flows WHERE " + agentFilter + " AND last_ms >= " + tracker.pollFromMs() + " GROUP BY b");
            for (List<String> row : result.rows()) {
                tracker.visible(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)), pollStartMs);
            }
            tracker.pollDone();
            visible = tracker.attributed();
            if (visible == 0) {
                lastEmptyPollNanos = pollStartNanos;
            } else if (firstVisibleNanos == 0) {
                firstVisibleNanos = lastEmptyPollNanos;
            }
            if (visible >= records) {
                allVisibleNanos = pollStartNanos;
                break;
            }
            if (System.nanoTime() > nextStatus) {
                out.printf("  %5.1f s: %,d produced, %,d acked, %,d visible in ClickHouse%n",
                        (System.nanoTime() - firstSendNanos[0]) / 1e9, tracker.producedTotal(), acked.get(), visible);
                out.flush();
                nextStatus += 5_000_000_000L;
                checkJob(job);
            }
            long sleep = pollMs - (System.currentTimeMillis() - pollStartMs);
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
        }
        producing.join();
        long jvmCpu = CpuClock.thisProcessNanos() - jvmCpu0;
        long serverCpu = clickhouseCpu.nanos() - clickhouseCpu0;
        long finalRows = Long.parseLong(db.select("SELECT count() FROM flows FINAL WHERE " + agentFilter).single());

        double produceSeconds = (lastAckNanos.get() - firstSendNanos[0]) / 1e9;
        double sinkSeconds = (allVisibleNanos - firstVisibleNanos) / 1e9;
        double endToEndSeconds = (allVisibleNanos - firstSendNanos[0]) / 1e9;
        Table stages = new Table("stage", "records", "seconds", "records/s");
        stages.row("produce (acked by Kafka)", acked.get(), seconds(produceSeconds), perSecond(acked.get(), produceSeconds));
        stages.row("Kafka -> ClickHouse (last poll with no row to all rows visible in flows)", visible, seconds(sinkSeconds),
                perSecond(visible, sinkSeconds));
        stages.row("end to end (first produced -> all in flows)", records, seconds(endToEndSeconds),
                perSecond(records, endToEndSeconds));
        stages.print(out, "Pipeline: " + String.format("%,d", records) + " flow records");
        out.println();
        out.printf("Latency produce -> visible in flows (%d ms buckets, polled every %d ms, %,d rows): p50 %,d ms, p99 %,d ms, max %,d ms%n",
                LatencyTracker.BUCKET_MS, pollMs, tracker.attributed(), tracker.percentile(0.50),
                tracker.percentile(0.99), tracker.max());
        out.printf("CPU per record, produce to visible (compare tapflow bench costs): %.1f µs in this JVM (producer, Kafka,"
                + " Flink, sinks) + %.1f µs in clickhouse-server = %.1f µs%n", jvmCpu / 1e3 / records,
                serverCpu / 1e3 / records, (jvmCpu + serverCpu) / 1e3 / records);
        out.printf("Rows in flows FINAL: %,d of %,d produced%n", finalRows, records);
        boolean ok = finalRows == records && acked.get() == records;
        out.println(ok ? "OK: every record arrived exactly once." : "MISMATCH: see the counts above.");
        out.flush();
        return ok ? 0 : 1;
    }

    private static void checkJob(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get();
        if (status != JobStatus.RUNNING && status != JobStatus.CREATED && status != JobStatus.INITIALIZING) {
            throw new IllegalStateException("the aggregation job is " + status + " (see the log above)");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String seconds(double s) {
        return String.format("%.2f", s);
    }

    private static long perSecond(long n, double seconds) {
        return seconds > 0 ? Math.round(n / seconds) : 0;
    }
}
