package io.tapflow.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.servers.EmbeddedClickHouse;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Alerts through the sink writer into 0007's table on a real ClickHouse: every column, and CLOSED replacing OPEN. */
class AlertRowsIT {
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
    void theClosedRowReplacesTheOpenOneAndEveryColumnRoundTrips() throws Exception {
        ClickHouseSettings settings = ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("alerts_rows");
        new Migrator(settings).migrate();
        long episode = 1_700_000_000_123L;
        // CLOSED written before OPEN (another subtask, a retry): ver still lets CLOSED win.
        write(settings, List.of(alert(episode, AlertState.CLOSED, 2_000), alert(episode, AlertState.OPEN, 100),
                alert(episode + 1, AlertState.OPEN, 15)));
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("SELECT count() FROM alerts FINAL").single()).isEqualTo("2");
            assertThat(db.select("SELECT detector, kind, link_id, IPv6NumToString(subject_addr), subject_port, subject,"
                    + " episode_id, state, window_start_ms, window_end_ms, first_seen_ms, last_seen_ms, score, attempts,"
                    + " distinct_ports, distinct_hosts, arrayMap(a -> IPv6NumToString(a), sample_peers), sample_ports,"
                    + " toUInt32(time) FROM alerts FINAL WHERE episode_id = " + episode).rows().get(0))
                    .containsExactly("syn_flood", "half_open", "lab", "::ffff:198.51.100.5", "443", "198.51.100.5:443",
                            String.valueOf(episode), "CLOSED", "1700000000000", "1700000060000", "1699999999000",
                            "1700000001000", "4.5", "2000", "1", "2", "['::ffff:10.0.0.1','::ffff:10.0.0.2']", "[443]",
                            String.valueOf(episode / 1000));
        }
    }

    @Test
    void dnsEvidenceLandsInTheColumnsOfMigration0009() throws Exception {
        ClickHouseSettings settings = ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("alerts_rows_dns");
        new Migrator(settings).migrate();
        long episode = 1_700_000_100_000L;
        Alert dns = Alert.newBuilder(alert(episode, AlertState.CLOSED, 40)).setDetector("dns_anomaly").setKind("tunnel")
                .setSubjectAddr(Flows.ipv4(10, 1, 0, 5)).setSubjectPort(-1).setSubject("10.1.0.5")
                .setSamplePorts(List.of(53)).setDnsResponses(40).setDnsNxdomain(3).setDnsDistinctNames(39)
                .setDnsDomain("tunnel-lab.net").setSampleNames(List.of("abc.t.tunnel-lab.net", "def.t.tunnel-lab.net"))
                .build();
        write(settings, List.of(dns, alert(episode + 1, AlertState.OPEN, 15)));
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("SELECT detector, kind, subject, subject_port, dns_responses, dns_nxdomain,"
                    + " dns_distinct_names, dns_domain, sample_names FROM alerts FINAL ORDER BY episode_id").rows())
                    .containsExactly(
                            List.of("dns_anomaly", "tunnel", "10.1.0.5", "-1", "40", "3", "39", "tunnel-lab.net",
                                    "['abc.t.tunnel-lab.net','def.t.tunnel-lab.net']"),
                            List.of("syn_flood", "half_open", "198.51.100.5:443", "443", "0", "0", "0", "", "[]"));
        }
    }

    private static Alert alert(long episode, AlertState state, long attempts) {
        return Alert.newBuilder().setDetector("syn_flood").setKind("half_open").setLinkId("lab")
                .setSubjectAddr(Flows.ipv4(198, 51, 100, 5)).setSubjectPort(443).setSubject("198.51.100.5:443")
                .setEpisodeId(episode).setState(state).setWindowStartMs(1_700_000_000_000L)
                .setWindowEndMs(1_700_000_060_000L).setFirstSeenMs(1_699_999_999_000L).setLastSeenMs(1_700_000_001_000L)
                .setScore(4.5).setAttempts(attempts).setDistinctPorts(1).setDistinctHosts(2)
                .setSamplePeers(List.of(Flows.ipv4(10, 0, 0, 1), Flows.ipv4(10, 0, 0, 2))).setSamplePorts(List.of(443))
                .build();
    }

    private static void write(ClickHouseSettings settings, List<Alert> alerts) throws Exception {
        ProcessingTimeService noTimers = new ProcessingTimeService() {
            @Override
            public long getCurrentProcessingTime() {
                return System.currentTimeMillis();
            }

            @Override
            public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback target) {
                return null;
            }
        };
        ClickHouseSinkWriter<Alert> writer = new ClickHouseSinkWriter<>(settings, new AlertRows(), SinkBatching.DEFAULTS,
                noTimers, new SinkMetrics(UnregisteredMetricsGroup.createSinkWriterMetricGroup()));
        for (Alert a : alerts) {
            writer.write(a, null);
        }
        writer.flush(false);
        writer.close();
    }
}
