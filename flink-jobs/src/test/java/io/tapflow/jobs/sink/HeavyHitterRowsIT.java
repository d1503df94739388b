package io.tapflow.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migrator;
import io.tapflow.jobs.clickhouse.Retention;
import io.tapflow.jobs.detect.HeavyHitterRow;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.servers.EmbeddedClickHouse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Heavy hitters through the sink writer into 0008's table on a real ClickHouse: every column, a rewritten window
 * (more flows) replacing its rows, and retention dropping the table's old days like the others'.
 */
class HeavyHitterRowsIT {
    private static final long WINDOW = 1_700_000_040_000L;
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
    void everyColumnRoundTripsAndARewrittenWindowReplacesItsRows() throws Exception {
        ClickHouseSettings settings = ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("heavy_hitter_rows");
        new Migrator(settings).migrate();
        write(settings, List.of(row(HeavyHitterRow.SRC, HeavyHitterRow.BYTES, 1, 5, 9_000, 3),
                row(HeavyHitterRow.DST, HeavyHitterRow.PACKETS, 2, 6, 40, 3)));
        // The same window again with one more flow (a replay after a restart): its rows replace the first ones.
        write(settings, List.of(row(HeavyHitterRow.SRC, HeavyHitterRow.BYTES, 1, 5, 9_500, 4),
                row(HeavyHitterRow.DST, HeavyHitterRow.PACKETS, 2, 6, 41, 4)));
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("SELECT count() FROM heavy_hitters FINAL").single()).isEqualTo("2");
            assertThat(db.select("SELECT toUInt32(window_start), toUInt32(window_end), link_id, direction, metric, rank,"
                    + " IPv6NumToString(addr), estimate, error, total, bound, counters, ver FROM heavy_hitters FINAL"
                    + " ORDER BY direction").rows()).containsExactly(
                    List.of(String.valueOf(WINDOW / 1000), String.valueOf(WINDOW / 1000 + 60), "lab", "src", "bytes",
                            "1", "::ffff:10.0.0.5", "9500", "12", "100000", "97", "1024", "4"),
                    List.of(String.valueOf(WINDOW / 1000), String.valueOf(WINDOW / 1000 + 60), "lab", "dst", "packets",
                            "2", "::ffff:10.0.0.6", "41", "12", "100000", "97", "1024", "4"));
            // The top senders by bytes, the query a dashboard runs.
            assertThat(db.select("SELECT IPv6NumToString(addr) FROM heavy_hitters FINAL WHERE direction = 'src'"
                    + " AND metric = 'bytes' ORDER BY rank LIMIT 10").single()).isEqualTo("::ffff:10.0.0.5");
        }
        // Partitioned by day like the other tables: retention sees and drops its old day.
        Clock later = Clock.fixed(Instant.ofEpochMilli(WINDOW).plusSeconds(40L * 86_400), ZoneOffset.UTC);
        assertThat(new Retention(settings, later).drop(30)).extracting(Retention.Partition::table).contains("heavy_hitters");
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("SELECT count() FROM heavy_hitters").single()).isEqualTo("0");
        }
    }

    private static HeavyHitterRow row(String direction, String metric, int rank, int host, long estimate, long flows) {
        HeavyHitterRow r = new HeavyHitterRow();
        r.linkId = "lab";
        r.windowStartMs = WINDOW;
        r.windowEndMs = WINDOW + 60_000;
        r.direction = direction;
        r.metric = metric;
        r.rank = rank;
        r.addr = Flows.ipv4(10, 0, 0, host).bytes();
        r.estimate = estimate;
        r.error = 12;
        r.total = 100_000;
        r.bound = 97;
        r.counters = 1024;
        r.flows = flows;
        return r;
    }

    private static void write(ClickHouseSettings settings, List<HeavyHitterRow> rows) throws Exception {
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
        ClickHouseSinkWriter<HeavyHitterRow> writer = new ClickHouseSinkWriter<>(settings, new HeavyHitterRows(), SinkBatching.DEFAULTS,
                noTimers, new SinkMetrics(UnregisteredMetricsGroup.createSinkWriterMetricGroup()));
        for (HeavyHitterRow a : rows) {
            writer.write(a, null);
        }
        writer.flush(false);
        writer.close();
    }
}
