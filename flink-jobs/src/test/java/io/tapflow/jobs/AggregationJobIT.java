package io.tapflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.Topics;
import io.tapflow.servers.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AggregationJobIT {
    static EmbeddedKafka kafka;
    static String chUrl = System.getenv().getOrDefault("TAPFLOW_TEST_CH", "http://127.0.0.1:18123");

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafka().start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void boundedRunWritesExactFlowsAndAggregates() throws Exception {
        String db = "t_bounded";
        query("CREATE DATABASE IF NOT EXISTS " + db);
        for (String t : List.of("flows", "flows_1m", "flows_1h", "links_1m", "links_1h", "talkers_1m", "talkers_1h",
                "agent_stats")) {
            query("CREATE TABLE IF NOT EXISTS " + db + "." + t + " AS tapflow." + t);
        }
        kafka.createTopic("b.flows", 1);
        kafka.createTopic("b.stats", 1);
        kafka.createTopic("b.dlq", 1);
        List<FlowRecord> records = new ArrayList<>(Flows.spread("link-a", 3000, 1_700_000_000_000L, 97, 40));
        records.addAll(Flows.spread("link-b", 1000, 1_700_000_000_000L, 331, 10));
        Flows.publish(kafka.bootstrap(), "b.flows", records, List.of("garbage".getBytes(StandardCharsets.UTF_8)));

        AggregationSettings s = new AggregationSettings(kafka.bootstrap(), "b.flows", "b.stats", "b.dlq", "it-bounded",
                new ClickHouseSettings(chUrl, db, "default", ""), true, Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofMinutes(10), 5, Duration.ofSeconds(1), io.tapflow.jobs.sink.SinkBatching.DEFAULTS, 0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AggregationJob.build(env, s);
        env.execute("it");

        long packets = records.stream().mapToLong(r -> r.getPacketsFwd() + r.getPacketsRev()).sum();
        long bytes = records.stream().mapToLong(r -> r.getBytesFwd() + r.getBytesRev()).sum();
        System.out.println(query("SELECT count(), sum(packets_fwd+packets_rev), sum(bytes_fwd+bytes_rev) FROM " + db + ".flows FINAL"));
        System.out.println(query("SELECT sum(flows), sum(packets), sum(bytes) FROM " + db + ".flows_1m FINAL"));
        System.out.println(query("SELECT sum(flows), sum(packets), sum(bytes) FROM " + db + ".flows_1h FINAL"));
        System.out.println(query("SELECT link_id, sum(flows), sum(packets), sum(bytes) FROM " + db + ".links_1m FINAL GROUP BY link_id"));
        System.out.println(query("SELECT * FROM " + db + ".talkers_1h FINAL ORDER BY window_start, link_id, rank LIMIT 12"));
        System.out.println(packets + " " + bytes);
        assertThat(query("SELECT count() FROM " + db + ".flows FINAL").trim()).isEqualTo("4000");
    }

    static String query(String sql) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(chUrl + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.body());
        }
        return r.body();
    }
}
