package io.tapflow.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.classifier.verdict.Confidence;
import io.tapflow.classifier.verdict.Verdict;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.FlowRecord;
import io.tapflow.servers.EmbeddedClickHouse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sink writer against a real ClickHouse: rows written twice, every column, and failures that say why. */
class ClickHouseSinkIT {
    private static EmbeddedClickHouse clickhouse;

    @BeforeAll
    static void start() {
        clickhouse = new EmbeddedClickHouse().start();
    }

    @AfterAll
    static void stop() {
        if (clickhouse != null) {
            clickhouse.close();
        }
    }

    @Test
    void aBatchWrittenTwiceCountsOnceUnderFinalAndEveryColumnRoundTrips() throws Exception {
        ClickHouseSettings settings = ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("sink_once");
        new Migrator(settings).migrate();
        List<FlowRecord> flows = Flows.spread("l", 1000, 1_700_000_000_000L, 50, 30);
        long secondPassStarted = 0;
        for (int pass = 0; pass < 2; pass++) { // as after a restart from a checkpoint taken before the first write
            Thread.sleep(pass * 20L);
            secondPassStarted = System.currentTimeMillis();
            ClickHouseSinkWriter<ClassifiedFlow> writer = writer(settings, SinkBatching.DEFAULTS.withMaxRows(300));
            for (FlowRecord r : flows) {
                writer.write(ClassifiedFlow.of(r, VERDICT, 3), null);
            }
            writer.flush(false);
            writer.close();
        }
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("SELECT count() FROM flows FINAL").single()).isEqualTo("1000");
            // Same identity and version: the copy inserted last wins, so every row left is from the second pass.
            assertThat(Long.parseLong(db.select("SELECT min(written_ms) FROM flows FINAL").single()))
                    .isGreaterThanOrEqualTo(secondPassStarted);
            FlowRecord first = flows.get(0);
            assertThat(db.select("SELECT agent_id, link_id, IPv6NumToString(src_addr), IPv6NumToString(dst_addr), src_port,"
                    + " dst_port, l4_proto, packets_fwd, packets_rev, bytes_fwd, bytes_rev, tcp_flags_fwd, ttl_min, ttl_max,"
                    + " end_reason, tunnel_type, first_ms, last_ms, toUInt32(time) FROM flows FINAL WHERE flow_seq = 1").rows().get(0))
                    .containsExactly(first.getAgentId(), "l", "::ffff:10.0.0.0", "::ffff:192.168.0.0",
                            String.valueOf(first.getSrcPort()), "443", "6", String.valueOf(first.getPacketsFwd()),
                            String.valueOf(first.getPacketsRev()), String.valueOf(first.getBytesFwd()),
                            String.valueOf(first.getBytesRev()), "27", "60", "64", "IDLE_TIMEOUT", "NONE",
                            String.valueOf(first.getFirstMs()), String.valueOf(first.getLastMs()),
                            String.valueOf(first.getFirstMs() / 1000));
            assertThat(db.select("SELECT app, category, server_name, ja3, ja4 FROM flows FINAL WHERE flow_seq = 1").rows().get(0))
                    .containsExactly("Google", "Web", "www.google.com", "771,4865-4866,0-10,29,0", "t13d0203h2_aaa_bbb");
        }
    }

    @Test
    void aFailingInsertGivesUpAfterItsAttemptsAndSaysWhy() {
        ClickHouseSettings settings = ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("sink_missing");
        ClickHouseSinkWriter<ClassifiedFlow> writer =
                writer(settings, new SinkBatching(10, Duration.ofSeconds(5), 2, Duration.ofMillis(10), Duration.ofMillis(10)));
        assertThatThrownBy(() -> {
            for (FlowRecord r : Flows.spread("l", 10, 1_700_000_000_000L, 50, 3)) {
                writer.write(ClassifiedFlow.unclassified(r), null);
            }
            writer.flush(false); // a checkpoint waits for the insert, and fails with it
        }).hasMessageContaining("failed 2 times").hasMessageContaining("sink_missing")
                .hasMessageContaining("diagnosis: ").hasMessageContaining("doesn't exist");
    }

    private static final Verdict VERDICT = new Verdict("Google", "TLS", "Web", "www.google.com", "771,4865-4866,0-10,29,0",
            "t13d0203h2_aaa_bbb", Confidence.HOST_RULE);

    private static ClickHouseSinkWriter<ClassifiedFlow> writer(ClickHouseSettings settings, SinkBatching batching) {
        ProcessingTimeService noTimers = new ProcessingTimeService() {
            @Override
            public long getCurrentProcessingTime() {
                return System.currentTimeMillis();
            }

            @Override
            public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback target) {
                return null; // age-based flushes are covered by the job tests
            }
        };
        return new ClickHouseSinkWriter<>(settings, new FlowRecordRows(), batching, noTimers,
                new SinkMetrics(UnregisteredMetricsGroup.createSinkWriterMetricGroup()));
    }
}
