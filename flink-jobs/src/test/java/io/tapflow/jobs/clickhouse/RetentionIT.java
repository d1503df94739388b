package io.tapflow.jobs.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.servers.EmbeddedClickHouse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetentionIT {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final LocalDate TODAY = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
    private static EmbeddedClickHouse clickhouse;

    @BeforeAll
    static void startServer() {
        clickhouse = new EmbeddedClickHouse().start();
    }

    @AfterAll
    static void stopServer() {
        ClickHouseServer.closeQuietly(clickhouse);
    }

    @Test
    void dropsDaysOlderThanTheRetentionFromEveryTableAndKeepsTheRest() {
        ClickHouseSettings settings = migratedDatabase();
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            for (LocalDate day : List.of(TODAY.minusDays(40), TODAY)) {
                db.execute("INSERT INTO links_1m VALUES ('" + day + " 10:00:00', 'link-a', 1, 2, 3, 0)");
                db.execute("INSERT INTO talkers_1h VALUES ('" + day + " 10:00:00', 'link-a', 1, IPv6StringToNum('::1'), 1, 2, 3, 0)");
                db.execute("INSERT INTO agent_stats (time, ts_ms, agent_id) VALUES ('" + day + " 10:00:00', 1, 'agent-1')");
                db.execute("INSERT INTO flow_verdicts (time, analysis, agent_id) VALUES ('" + day + " 10:00:00', 'a', 'agent-1')");
            }
            Retention retention = new Retention(settings, CLOCK);
            String old = TODAY.minusDays(40).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);

            List<Retention.Partition> expired = retention.expired(30);
            assertThat(expired).extracting(Retention.Partition::toString)
                    .containsExactly("agent_stats " + old, "flow_verdicts " + old, "links_1m " + old, "talkers_1h " + old);
            assertThat(db.select("SELECT count() FROM links_1m").single()).as("a dry run drops nothing").isEqualTo("2");

            assertThat(retention.drop(30)).isEqualTo(expired);

            for (String table : List.of("links_1m", "talkers_1h", "agent_stats", "flow_verdicts")) {
                assertThat(db.select("SELECT toString(toDate(" + (table.startsWith("links") || table.startsWith("talkers") ? "window_start" : "time") + ")) AS day FROM "
                        + table).values("day")).as(table).containsExactly(TODAY.toString());
            }
            assertThat(db.select("SELECT count() FROM schema_migrations").single())
                    .isEqualTo(String.valueOf(Migrations.tapflow().size()));
            assertThat(retention.drop(30)).isEmpty();
        }
    }

    @Test
    void theDayExactlyAtTheLimitStaysAndTheOneBeforeGoes() {
        ClickHouseSettings settings = migratedDatabase();
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            db.execute("INSERT INTO flows_1h (window_start, link_id) VALUES ('" + TODAY.minusDays(30) + " 00:00:00', 'a'), ('"
                    + TODAY.minusDays(31) + " 23:59:59', 'a')");
            assertThat(new Retention(settings, CLOCK).drop(30)).extracting(Retention.Partition::day).containsExactly(TODAY.minusDays(31));
            assertThat(db.select("SELECT toString(toDate(window_start)) AS d FROM flows_1h").values("d"))
                    .containsExactly(TODAY.minusDays(30).toString());
        }
    }

    @Test
    void aDatabaseWithoutOldDataHasNothingToDrop() {
        ClickHouseSettings settings = migratedDatabase();
        assertThat(new Retention(settings, CLOCK).drop(1)).isEmpty();
    }

    @Test
    void fewerThanOneDayOrAMissingDatabaseIsRefused() {
        ClickHouseSettings settings = migratedDatabase();
        assertThatThrownBy(() -> new Retention(settings, CLOCK).drop(0)).hasMessageContaining("at least 1 day");
        assertThatThrownBy(() -> new Retention(settings.withDatabase("no_such_db"), CLOCK).expired(30))
                .isInstanceOf(ClickHouseQueryException.class)
                .hasMessageContaining("Database no_such_db doesn't exist");
    }

    private static ClickHouseSettings migratedDatabase() {
        ClickHouseSettings settings = ClickHouseServer.freshDatabase(clickhouse);
        new Migrator(settings).migrate();
        return settings;
    }
}
