package io.tapflow.localstack.bench;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.data.ClickHouseFormat;
import io.tapflow.jobs.clickhouse.ClickHouseClients;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.jobs.sink.FlowRecordRows;
import io.tapflow.jobs.sink.RowBinaryOutput;
import io.tapflow.localstack.Table;
import io.tapflow.servers.EmbeddedClickHouse;
import io.tapflow.servers.EmbeddedKafka;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tapflow bench costs}: the CPU time per flow record of the two stages every record must pass whatever the job
 * does with it: Kafka (agent-style producer, broker, consumer and Avro decode, all in this JVM) and the ClickHouse
 * insert of its raw {@code flows} row (this JVM's RowBinary encoding plus the server's own CPU, with and without the
 * merges that follow). Their sum bounds what the whole pipeline can reach on this machine: with C cores and S µs of CPU
 * per record, no job can exceed C / S records/s, however lean.
 *
 * <p>CPU time, not wall time, is measured (this JVM's process CPU time; the server's from /proc), so the figures hold
 * on a busy machine better than rates do, though caches shared with other work still inflate them a little.
 */
@Command(name = "costs", mixinStandardHelpOptions = true, usageHelpWidth = 120, sortOptions = false,
        description = {
            "Measures the CPU time per flow record of the stages every record passes whatever the aggregation job does:",
            "  kafka       produce (the agent's producer settings) + broker + consume + Avro decode, one JVM (this one);",
            "  clickhouse  RowBinary encoding of the raw flows row (this JVM) and the clickhouse-server process's CPU",
            "              for the insert, then for the background merges that follow it.",
            "Prints µs of CPU per record per stage, their sum, and the ceiling that sum puts on the whole pipeline with",
            "the machine's cores: cores x 1,000,000 / (µs per record) records/s."})
public final class StageCostBenchCommand implements Callable<Integer> {
    @Option(names = "--records", paramLabel = "N", description = "Flow records per stage (default ${DEFAULT-VALUE}).")
    int records = 1_000_000;

    @Option(names = "--batch-rows", paramLabel = "N", description = "Rows per ClickHouse insert; the sink's default batch is 50,000 (default ${DEFAULT-VALUE}).")
    int batchRows = 50_000;

    @Option(names = "--links", paramLabel = "N", description = "Links in the generated traffic (default ${DEFAULT-VALUE}).")
    int links = 4;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the Kafka topic (default ${DEFAULT-VALUE}).")
    int partitions = 2;

    @Option(names = "--compression", paramLabel = "CODEC", description = "Producer compression: lz4 (the agent's), none, zstd, gzip, snappy (default ${DEFAULT-VALUE}).")
    String compression = "lz4";

    @Option(names = "--goal", paramLabel = "R", description = "Records/s to compare the ceiling with (default ${DEFAULT-VALUE}, issue 3's goal).")
    long goal = 250_000;

    @Option(names = "--seed", paramLabel = "N", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed = 42;

    private final PrintStream out;

    public StageCostBenchCommand() {
        this(System.out);
    }

    StageCostBenchCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new StageCostBenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (records < 1 || batchRows < 1 || links < 1 || partitions < 1 || goal < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "need --records, --batch-rows, --links, --partitions and --goal >= 1");
        }
        if (!List.of("lz4", "none", "zstd", "gzip", "snappy").contains(compression)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--compression must be lz4, none, zstd, gzip or snappy, got '" + compression + "'");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf("Machine: %d cores, load average %.2f; %,d records per stage, Kafka compression %s, ClickHouse batches"
                + " of %,d rows%n", cores, CpuClock.loadAverage(), records, compression, batchRows);
        out.flush();
        double kafkaMicros;
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            kafkaMicros = kafkaStage(kafka);
        }
        ClickHouseCost clickhouse;
        try (EmbeddedClickHouse server = new EmbeddedClickHouse().start()) {
            clickhouse = clickHouseStage(server);
        }

        Table table = new Table("stage (CPU per flow record)", "µs/record", "cores at " + String.format("%,d/s", goal));
        table.row("Kafka: produce + broker + consume + Avro decode (JVM)", micros(kafkaMicros), cores(kafkaMicros));
        table.row("ClickHouse: RowBinary encode + client-v2 insert (JVM)", micros(clickhouse.clientMicros), cores(clickhouse.clientMicros));
        table.row("ClickHouse: clickhouse-server, inserts (and merges meanwhile)", micros(clickhouse.insertMicros), cores(clickhouse.insertMicros));
        table.row("ClickHouse: clickhouse-server, merges after the inserts", micros(clickhouse.mergeMicros), cores(clickhouse.mergeMicros));
        double total = kafkaMicros + clickhouse.clientMicros + clickhouse.insertMicros + clickhouse.mergeMicros;
        table.row("sum: the floor under any aggregation job", micros(total), cores(total));
        table.print(out, "CPU cost per record of the stages every record passes");
        long ceiling = Math.round(cores * 1e6 / total);
        out.printf("%nCeiling on this machine (%d cores / %s µs per record): %,d records/s end to end, before the job does"
                + " any work of its own; the goal is %,d records/s (%s).%n", cores, micros(total), ceiling, goal,
                ceiling >= goal ? "within the ceiling" : String.format("%.1fx the ceiling", goal / (double) ceiling));
        out.flush();
        return 0;
    }

    private String cores(double micros) {
        return String.format("%.2f", micros * goal / 1e6);
    }

    private static String micros(double micros) {
        return String.format("%.2f", micros);
    }

    /** Produces N records with the agent's producer settings and consumes and decodes them all, in this JVM. */
    private double kafkaStage(EmbeddedKafka kafka) throws Exception {
        String topic = "bench-costs";
        kafka.createTopic(topic, partitions);
        try (var producer = KafkaBench.agentProducer(kafka.bootstrap(), compression);
             var consumer = KafkaBench.consumer(kafka.bootstrap(), topic)) {
            // A short warm-up so that class loading and the JIT's first compilations are not billed to the stage.
            KafkaBench.produce(producer, topic, new FlowGenerator(links, 1, seed), Math.min(records, 50_000));
            KafkaBench.consume(consumer, Math.min(records, 50_000), Duration.ofSeconds(120));
            long cpu0 = CpuClock.thisProcessNanos();
            long wall0 = System.nanoTime();
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread producing = Thread.ofPlatform().name("bench-costs-producer").start(() -> {
                try {
                    KafkaBench.produce(producer, topic, new FlowGenerator(links, 2, seed), records);
                } catch (Exception e) {
                    failed.set(e);
                }
            });
            long consumed = KafkaBench.consume(consumer, records, Duration.ofMinutes(10));
            producing.join();
            if (failed.get() != null) {
                throw failed.get();
            }
            long cpu = CpuClock.thisProcessNanos() - cpu0;
            double wall = (System.nanoTime() - wall0) / 1e9;
            if (consumed != records) {
                throw new IllegalStateException("consumed " + consumed + " of " + records + " records");
            }
            out.printf("kafka: %,d records produced and consumed in %.2f s (%,.0f records/s), %.2f s of CPU%n", records,
                    wall, records / wall, cpu / 1e9);
            out.flush();
            return cpu / 1e3 / records;
        }
    }

    private record ClickHouseCost(double clientMicros, double insertMicros, double mergeMicros) {
    }

    private ClickHouseCost clickHouseStage(EmbeddedClickHouse server) throws Exception {
        ClickHouseSettings settings = ClickHouseSettings.of(server.httpUrl()).withDatabase("tapflow_bench_costs");
        new Migrator(settings).migrate();
        FlowRecordRows rows = new FlowRecordRows();
        RowBinaryOutput batch = new RowBinaryOutput(1 << 24);
        FlowGenerator generator = new FlowGenerator(links, 3, seed);
        CpuClock serverClock = CpuClock.ofProcess(server.pid());
        double idleNanosPerSecond = serverClock.idleRate(Duration.ofSeconds(3));
        try (Client client = ClickHouseClients.open(settings); ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            long thread0 = CpuClock.thisProcessNanos();
            long server0 = serverClock.nanos();
            long wall0 = System.nanoTime();
            ClassifiedFlow flow = new ClassifiedFlow();
            long written = 0;
            while (written < records) {
                int n = (int) Math.min(batchRows, records - written);
                batch.reset();
                for (int i = 0; i < n; i++) {
                    flow.flow = generator.next(1_795_000_000_000L + (written + i) / 10);
                    rows.encode(flow, batch);
                }
                try (InsertResponse ignored = client.insert(rows.table(), rows.columns(), batch.asStream(),
                        ClickHouseFormat.RowBinary).get(5, TimeUnit.MINUTES)) {
                    written += n;
                }
            }
            double insertSeconds = (System.nanoTime() - wall0) / 1e9;
            long clientCpu = CpuClock.thisProcessNanos() - thread0;
            long insertCpu = serverClock.nanos() - server0 - Math.round(idleNanosPerSecond * insertSeconds);
            long mergeWall0 = System.nanoTime();
            long afterInserts = serverClock.nanos();
            waitForMerges(db, serverClock, idleNanosPerSecond);
            double mergeSeconds = (System.nanoTime() - mergeWall0) / 1e9;
            long mergeCpu = Math.max(0, serverClock.nanos() - afterInserts - Math.round(idleNanosPerSecond * mergeSeconds));
            long stored = Long.parseLong(db.select("SELECT count() FROM flows WHERE agent_start_ms = 3").single());
            if (stored != records) {
                throw new IllegalStateException("flows holds " + stored + " of " + records + " rows");
            }
            out.printf("clickhouse: %,d rows inserted in %.2f s (%,.0f rows/s); server CPU %.2f s for the inserts and"
                            + " %.2f s for merges in the %.1f s after them (idle rate %.3f cores subtracted)%n", records,
                    insertSeconds, records / insertSeconds, insertCpu / 1e9, mergeCpu / 1e9, mergeSeconds,
                    idleNanosPerSecond / 1e9);
            out.flush();
            return new ClickHouseCost(clientCpu / 1e3 / records, Math.max(0, insertCpu) / 1e3 / records,
                    mergeCpu / 1e3 / records);
        }
    }

    /** Until no merge runs and the server's CPU use is back to idle for two seconds in a row (at most 2 minutes). */
    private static void waitForMerges(ClickHouseQueries db, CpuClock server, double idleNanosPerSecond)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int quietSeconds = 0;
        while (quietSeconds < 2 && System.nanoTime() < deadline) {
            long before = server.nanos();
            Thread.sleep(1000);
            long used = server.nanos() - before;
            boolean merging = !"0".equals(db.select("SELECT count() FROM system.merges").single());
            quietSeconds = !merging && used < idleNanosPerSecond + 50_000_000L ? quietSeconds + 1 : 0;
        }
    }
}
