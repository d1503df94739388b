package io.tapflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrations;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.jobs.dpi.DpiSettings;
import io.tapflow.jobs.dpi.RuleSet;
import io.tapflow.jobs.sink.SinkBatching;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.Direction;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.FlowVerdict;
import io.tapflow.servers.EmbeddedClickHouse;
import io.tapflow.servers.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The aggregation job on a Flink MiniCluster between a real KRaft broker and a real ClickHouse server. */
class AggregationJobIT {
    private static final long T0 = 1_700_000_040_000L; // on a minute boundary
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static EmbeddedKafka kafka;
    private static EmbeddedClickHouse clickhouse;

    @BeforeAll
    static void startServers() {
        kafka = new EmbeddedKafka().start();
        clickhouse = new EmbeddedClickHouse().start();
    }

    @AfterAll
    static void stopServers() {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            if (clickhouse != null) {
                clickhouse.close();
            }
        }
    }

    @Test
    void aBoundedRunWritesEveryFlowAndExactAggregates() throws Exception {
        AggregationSettings s = settings(true);
        List<FlowRecord> records = new ArrayList<>(Flows.spread("link-a", 3000, T0, 97, 40));
        records.addAll(Flows.spread("link-b", 1000, T0 + 13, 331, 10));
        Flows.publish(kafka.bootstrap(), s.flowsTopic(), records, List.of("garbage".getBytes(StandardCharsets.UTF_8)));

        run(s);

        try (ClickHouseQueries db = ClickHouseQueries.open(s.clickhouse())) {
            long packets = records.stream().mapToLong(r -> r.getPacketsFwd() + r.getPacketsRev()).sum();
            long bytes = records.stream().mapToLong(r -> r.getBytesFwd() + r.getBytesRev()).sum();
            String totals = records.size() + "\t" + packets + "\t" + bytes;
            assertThat(row(db, "SELECT count(), sum(packets_fwd + packets_rev), sum(bytes_fwd + bytes_rev) FROM flows FINAL"))
                    .isEqualTo(totals);
            for (String table : List.of("flows_1m", "flows_1h", "links_1m", "links_1h")) {
                assertThat(row(db, "SELECT sum(flows), sum(packets), sum(bytes) FROM " + table + " FINAL"))
                        .as(table).isEqualTo(totals);
            }
            // Per link and minute, as computed here from the records themselves.
            Map<String, long[]> expected = new TreeMap<>();
            for (FlowRecord r : records) {
                long[] v = expected.computeIfAbsent(r.getLinkId() + "\t" + Math.floorDiv(r.getLastMs(), 60_000) * 60,
                        k -> new long[3]);
                v[0]++;
                v[1] += r.getPacketsFwd() + r.getPacketsRev();
                v[2] += r.getBytesFwd() + r.getBytesRev();
            }
            List<String> expectedRows = expected.entrySet().stream()
                    .map(e -> e.getKey() + "\t" + e.getValue()[0] + "\t" + e.getValue()[1] + "\t" + e.getValue()[2])
                    .toList();
            assertThat(db.select("SELECT link_id, toUInt32(window_start) AS w, flows, packets, bytes FROM links_1m FINAL"
                    + " ORDER BY link_id, w").rows().stream().map(r -> String.join("\t", r)).toList())
                    .containsExactlyElementsOf(expectedRows);
            assertThat(db.select("SELECT link_id, toUInt32(window_start) AS w, sum(flows), sum(packets), sum(bytes)"
                    + " FROM flows_1m FINAL GROUP BY link_id, w ORDER BY link_id, w").rows().stream()
                    .map(r -> String.join("\t", r)).toList()).containsExactlyElementsOf(expectedRows);
            // The top talker of each link over the whole hour, by bytes sent and received.
            for (String link : List.of("link-a", "link-b")) {
                assertThat(row(db, "SELECT IPv6NumToString(addr), bytes FROM talkers_1h FINAL WHERE link_id = '" + link
                        + "' AND rank = 1")).isEqualTo(topTalker(records, link));
                assertThat(row(db, "SELECT count() FROM talkers_1h FINAL WHERE link_id = '" + link + "'"))
                        .isEqualTo("5");
            }
        }
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.consumeAll(s.deadLetterTopic(), 1, Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), "tapflow.reason")).startsWith("undecodable: ");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("garbage");
    }

    @Test
    void lateFlowsCorrectTheirWindowWithinTheAllowedLatenessAndGoToDeadLettersBeyondIt() throws Exception {
        // One partition, two source subtasks: the one without a split is idle after a second.
        AggregationSettings s = settings(false).withTiming(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(300),
                Duration.ofSeconds(1));
        List<FlowRecord> inOrder = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            inOrder.add(withoutSamples("late", i + 1, T0 + i * 5_000L, 1, 2, 443, 10, 1000));
        }
        inOrder.add(withoutSamples("late", 11, T0 + 200_000, 1, 2, 443, 1, 100));      // watermark → T0 + 200 s
        Flows.publish(kafka.bootstrap(), s.flowsTopic(), inOrder, List.of());
        JobClient job = start(s);
        try {
            try (ClickHouseQueries db = ClickHouseQueries.open(s.clickhouse())) {
                await(() -> "10".equals(row(db, "SELECT sum(flows) FROM flows_1m FINAL WHERE window_start = toDateTime("
                        + T0 / 1000 + ")")), "the first minute's aggregate");

                Flows.publish(kafka.bootstrap(), s.flowsTopic(),
                        List.of(withoutSamples("late", 12, T0 + 30_000, 1, 2, 443, 7, 700)), List.of()); // 170 s late
                await(() -> "11\t107\t10700".equals(row(db, "SELECT sum(flows), sum(packets), sum(bytes) FROM flows_1m"
                        + " FINAL WHERE window_start = toDateTime(" + T0 / 1000 + ")")), "the corrected aggregate");

                // Move the watermark to T0 + 1000 s; the window of flow 11 firing shows it has moved.
                Flows.publish(kafka.bootstrap(), s.flowsTopic(),
                        List.of(withoutSamples("late", 13, T0 + 1_000_000, 1, 2, 443, 1, 100)), List.of());
                await(() -> "1".equals(row(db, "SELECT sum(flows) FROM flows_1m FINAL WHERE window_start = toDateTime("
                        + (T0 + 180_000) / 1000 + ")")), "the window of flow 11");
                Flows.publish(kafka.bootstrap(), s.flowsTopic(),
                        List.of(withoutSamples("late", 14, T0 + 40_000, 1, 2, 443, 5, 500)), List.of()); // 960 s late

                await(() -> "14".equals(row(db, "SELECT count() FROM flows FINAL")), "every raw flow");
            }
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.consumeAll(s.deadLetterTopic(), 1, Duration.ofSeconds(30));
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), "tapflow.reason")).startsWith("late: ");
            try (ClickHouseQueries db = ClickHouseQueries.open(s.clickhouse())) {
                assertThat(row(db, "SELECT sum(flows), sum(packets) FROM flows_1m FINAL WHERE window_start = toDateTime("
                        + T0 / 1000 + ")")).as("the too-late flow left the aggregate alone").isEqualTo("11\t107");
            }
            assertThat(header(dead.get(0), "tapflow.source.topic")).isEqualTo(s.flowsTopic());
            // Stamped when dead-lettered, not with its event time of 2023, which the broker's retention would delete.
            assertThat(header(dead.get(0), "tapflow.source.timestamp")).isEqualTo(Long.toString(T0 + 40_000));
            assertThat(dead.get(0).timestamp()).isGreaterThan(System.currentTimeMillis() - Duration.ofHours(1).toMillis());
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void streamingDpiClassifiesAFlowOnceTheWatermarkPassesItsEndWhateverCameFirst() throws Exception {
        AggregationSettings plain = settings(false).withTiming(Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(300), Duration.ofSeconds(1));
        String prefix = plain.flowsTopic().replace("flows", "");
        kafka.createTopic(prefix + "payload", 1);
        kafka.createTopic(prefix + "verdicts", 1);
        AggregationSettings s = plain.withDpi(DpiSettings.live(RuleSet.bundled())
                .withTopics(prefix + "payload", prefix + "verdicts"));
        FlowRecord web = Flows.flow("dpi", 1, T0, 1, 2, 8080, 4, 400);       // no port verdict for 8080
        FlowRecord later = Flows.flow("dpi", 2, T0 + 120_000, 1, 3, 8080, 2, 200); // past flow 1's minute
        String request = "GET / HTTP/1.1\r\nHost: www.example.org\r\n\r\n";
        // The record is published before its samples, and the samples out of capture order.
        Flows.publish(kafka.bootstrap(), s.flowsTopic(), List.of(web), List.of());
        Flows.publishSamples(kafka.bootstrap(), prefix + "payload", List.of(
                Flows.sample(web, 1, Direction.FORWARD, request.substring(7), (T0 - 400) * 1000),
                Flows.sample(web, 0, Direction.FORWARD, request.substring(0, 7), (T0 - 450) * 1000)));
        JobClient job = start(s);
        try (ClickHouseQueries db = ClickHouseQueries.open(s.clickhouse())) {
            // Nothing before the watermark passes the flow's end; a later flow moves it (out-of-orderness 0 here).
            Thread.sleep(3_000);
            assertThat(row(db, "SELECT count() FROM flows")).isEqualTo("0");
            Flows.publish(kafka.bootstrap(), s.flowsTopic(), List.of(later), List.of());
            await(() -> "HTTP\twww.example.org".equals(row(db, "SELECT app, server_name FROM flows FINAL WHERE flow_seq = 1")),
                    "flow 1 classified from its samples");
            await(() -> "1".equals(row(db, "SELECT sum(flows) FROM flows_1m FINAL WHERE app = 'HTTP'")),
                    "the aggregate keyed by application");
        } finally {
            job.cancel().get();
        }
        var verdicts = kafka.consumeAll(prefix + "verdicts", 1, Duration.ofSeconds(30));
        FlowVerdict v = AvroCodec.of(FlowVerdict.class).decode(verdicts.get(0).value(), prefix + "verdicts", 0, 0);
        assertThat(v.getFlowSeq()).isEqualTo(1);
        assertThat(v.getApp()).isEqualTo("HTTP");
        assertThat(v.getAnalysis()).isEqualTo("live");
        assertThat(v.getSamples()).isEqualTo(2);
    }

    @Test
    void afterClickHouseGoesAwayTheJobRestartsFromItsCheckpointAndNothingIsLostOrDoubled() throws Exception {
        AggregationSettings s = settings(false).withTiming(Duration.ofSeconds(60), Duration.ofMinutes(5),
                Duration.ofMinutes(10), Duration.ofMillis(500))
                .withBatching(new SinkBatching(500, Duration.ofMillis(300), 2, Duration.ofMillis(100),
                        Duration.ofMillis(200)));
        List<FlowRecord> first = Flows.spread("restart", 2000, T0, 10, 50);
        List<FlowRecord> second = new ArrayList<>();
        for (FlowRecord r : Flows.spread("restart", 2000, T0 + 20_000, 10, 50)) {
            r.setFlowSeq(r.getFlowSeq() + 2000);
            second.add(r);
        }
        Flows.publish(kafka.bootstrap(), s.flowsTopic(), first, List.of());
        JobClient job = start(s);
        try (ClickHouseQueries db = ClickHouseQueries.open(s.clickhouse())) {
            await(() -> "2000".equals(row(db, "SELECT count() FROM flows FINAL")), "the first 2000 flows");
            clickhouse.stop();
            Flows.publish(kafka.bootstrap(), s.flowsTopic(), second, List.of());
            Thread.sleep(3_000); // inserts fail, the sink gives up, the job restarts (and fails again) meanwhile
            clickhouse.restart();

            await(() -> "4000".equals(row(db, "SELECT count() FROM flows FINAL")), "all 4000 flows after the restart");
            long packets = 0;
            long bytes = 0;
            for (FlowRecord r : first) {
                packets += r.getPacketsFwd() + r.getPacketsRev();
                bytes += r.getBytesFwd() + r.getBytesRev();
            }
            for (FlowRecord r : second) {
                packets += r.getPacketsFwd() + r.getPacketsRev();
                bytes += r.getBytesFwd() + r.getBytesRev();
            }
            assertThat(row(db, "SELECT count(), sum(packets_fwd + packets_rev), sum(bytes_fwd + bytes_rev) FROM flows FINAL"))
                    .isEqualTo("4000\t" + packets + "\t" + bytes);
            assertThat(row(db, "SELECT uniqExact(flow_seq), min(flow_seq), max(flow_seq) FROM flows FINAL"))
                    .isEqualTo("4000\t1\t4000");
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void theJobDropsPartitionsOlderThanItsRetentionDays() throws Exception {
        AggregationSettings s = settings(false).withRetentionDays(30);
        try (ClickHouseQueries db = ClickHouseQueries.open(s.clickhouse())) {
            db.execute("INSERT INTO links_1m VALUES (toDateTime(today() - 40), 'old', 1, 2, 3, 1)");
            db.execute("INSERT INTO links_1m VALUES (toDateTime(today()), 'new', 1, 2, 3, 1)");
            JobClient job = start(s);
            try {
                await(() -> "new".equals(row(db, "SELECT groupArray(link_id) FROM links_1m").replaceAll("[\\[\\]']", "")),
                        "the 40-day-old partition to go");
            } finally {
                job.cancel().get();
            }
        }
    }

    @Test
    void theAggregateCommandRunsTheJobAndMigratesFirst() throws Exception {
        int run = RUNS.incrementAndGet();
        String prefix = "cli" + run + ".";
        for (String topic : List.of("flows", "stats", "dead", "payload", "verdicts", "alerts")) {
            kafka.createTopic(prefix + topic, 1);
        }
        List<FlowRecord> records = Flows.spread("cli", 500, T0, 1000, 7);
        Flows.publish(kafka.bootstrap(), prefix + "flows", records, List.of());
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();

        int exit = io.tapflow.jobs.cli.JobsCli.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
                "aggregate", "--bounded", "--kafka", kafka.bootstrap(), "--clickhouse", clickhouse.httpUrl(),
                "--database", "cli" + run, "--flows-topic", prefix + "flows", "--stats-topic", prefix + "stats",
                "--dead-letter-topic", prefix + "dead", "--payload-topic", prefix + "payload",
                "--verdicts-topic", prefix + "verdicts", "--alerts-topic", prefix + "alerts", "--parallelism", "1",
                "--batch-age", "300ms");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains(Migrations.tapflow().size() + " migration(s) applied")
                .containsPattern("\\(bounded, DPI with rules [0-9a-f]{16} \\(io/tapflow/schema/dpi/host-rules.v1.txt, "
                        + "io/tapflow/schema/dpi/protocols.v1.txt, io/tapflow/schema/dpi/signatures.v1.txt\\), detection\\), "
                        + "checkpoints in file:");
        try (ClickHouseQueries db = ClickHouseQueries.open(ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("cli" + run))) {
            assertThat(row(db, "SELECT count() FROM flows FINAL")).isEqualTo("500");
            assertThat(row(db, "SELECT sum(flows) FROM flows_1h FINAL")).isEqualTo("500");
            // DPI is on by default: flows without samples get their port's verdict (443: TLS), also in the aggregates.
            assertThat(row(db, "SELECT count() FROM flows FINAL WHERE app = ''")).isEqualTo("0");
            assertThat(row(db, "SELECT count() FROM flows FINAL WHERE app = 'TLS'")).isEqualTo("167");
            assertThat(row(db, "SELECT sum(flows) FROM flows_1h FINAL WHERE app = 'TLS'")).isEqualTo("167");
        }
        assertThat(kafka.recordCount(prefix + "verdicts")).isEqualTo(500);
    }

    /**
     * A flow whose agent says it took no payload samples, as current agents do for such flows: the DPI stage passes it
     * on at once, so its lateness is judged against the watermark of its arrival, which is what this test is about
     * (a record that must wait for its samples is classified at the next watermark advance instead).
     */
    private static FlowRecord withoutSamples(String link, long seq, long lastMs, int srcHost, int dstHost, int dstPort,
                                             long packets, long bytes) {
        FlowRecord r = Flows.flow(link, seq, lastMs, srcHost, dstHost, dstPort, packets, bytes);
        r.setPayloadSamples(0);
        return r;
    }

    private static AggregationSettings settings(boolean bounded) {
        int run = RUNS.incrementAndGet();
        ClickHouseSettings ch = ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("agg" + run);
        new Migrator(ch).migrate();
        String prefix = "run" + run + ".";
        for (String topic : List.of("flows", "stats", "dead")) {
            kafka.createTopic(prefix + topic, 1);
        }
        return new AggregationSettings(kafka.bootstrap(), prefix + "flows", prefix + "stats", prefix + "dead",
                "it-" + run, ch, bounded, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(10), 5,
                Duration.ofSeconds(1), SinkBatching.DEFAULTS.withMaxAge(Duration.ofMillis(300)), 0);
    }

    private static StreamExecutionEnvironment environment(AggregationSettings s) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AggregationJob.build(env, s);
        Configuration fastRestarts = new Configuration();
        fastRestarts.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofMillis(200));
        fastRestarts.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(1));
        env.configure(fastRestarts);
        return env;
    }

    private static void run(AggregationSettings s) throws Exception {
        environment(s).execute("it-bounded");
    }

    private static JobClient start(AggregationSettings s) throws Exception {
        return environment(s).executeAsync("it-streaming");
    }

    private static String row(ClickHouseQueries db, String sql) {
        List<List<String>> rows = db.select(sql).rows();
        return rows.isEmpty() ? "" : String.join("\t", rows.get(0));
    }

    private static String topTalker(List<FlowRecord> records, String link) {
        Map<String, Long> bytes = new HashMap<>();
        for (FlowRecord r : records) {
            if (r.getLinkId().equals(link)) {
                long b = r.getBytesFwd() + r.getBytesRev();
                String src = ipv4(r.getSrcAddr().bytes());
                String dst = ipv4(r.getDstAddr().bytes());
                bytes.merge(src, b, Long::sum);
                if (!src.equals(dst)) {
                    bytes.merge(dst, b, Long::sum);
                }
            }
        }
        // Most bytes first; ties go to the lower address, as in the job.
        Map.Entry<String, Long> top = bytes.entrySet().stream()
                .max(Comparator.comparingLong((Map.Entry<String, Long> e) -> e.getValue())
                        .thenComparing(Map.Entry::getKey, Comparator.comparing(AggregationJobIT::addressKey).reversed()))
                .orElseThrow();
        return top.getKey() + "\t" + top.getValue();
    }

    private static long addressKey(String mapped) {
        long key = 0;
        for (String part : mapped.substring("::ffff:".length()).split("\\.")) {
            key = key * 256 + Integer.parseInt(part);
        }
        return key;
    }

    private static String ipv4(byte[] a) {
        return "::ffff:" + (a[12] & 0xFF) + "." + (a[13] & 0xFF) + "." + (a[14] & 0xFF) + "." + (a[15] & 0xFF);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // the server may be restarting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
