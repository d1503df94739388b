package io.tapflow.jobs.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.servers.EmbeddedClickHouse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MigratorIT {
    private static final List<String> TAPFLOW_TABLES = List.of("agent_stats", "alerts", "flow_verdicts", "flows", "flows_1h", "flows_1m", "heavy_hitters", "links_1h",
            "links_1m", "schema_migrations", "talkers_1h", "talkers_1m");
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
    void appliesEveryFileToAnEmptyServerAndRecordsThem() {
        ClickHouseSettings settings = ClickHouseServer.freshDatabase(clickhouse);

        List<Migration> applied = new Migrator(settings).migrate();

        assertThat(applied).extracting(Migration::name).containsExactly("0001_flows.sql", "0002_flow_aggregates.sql",
                "0003_link_totals_and_talkers.sql", "0004_agent_stats.sql", "0005_agent_stats_interface.sql",
                "0006_flow_verdicts.sql", "0007_alerts.sql", "0008_heavy_hitters.sql", "0009_alerts_dns.sql");
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("SELECT name FROM system.tables WHERE database = '" + settings.database() + "' ORDER BY name")
                    .values("name")).containsExactlyElementsOf(TAPFLOW_TABLES);
            QueryResult recorded = db.select("SELECT version, name, checksum, applied_at > now() - 600 AS recent FROM schema_migrations ORDER BY version");
            assertThat(recorded.values("version")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9");
            assertThat(recorded.values("checksum")).containsExactlyElementsOf(Migrations.tapflow().stream().map(Migration::checksum).toList());
            assertThat(recorded.values("recent")).containsOnly("1");
        }
        // Nothing landed in the server's default database (client-v2's database header alone is ignored by 18.16).
        try (ClickHouseQueries server = ClickHouseQueries.openServer(settings)) {
            assertThat(server.select("SELECT count() FROM system.tables WHERE database = 'default'").single()).isEqualTo("0");
        }
    }

    @Test
    void aSecondRunAppliesNothing() {
        ClickHouseSettings settings = ClickHouseServer.freshDatabase(clickhouse);
        Migrator migrator = new Migrator(settings);
        assertThat(migrator.pending()).hasSize(Migrations.tapflow().size());
        assertThat(migrator.migrate()).hasSize(Migrations.tapflow().size());

        assertThat(migrator.pending()).isEmpty();
        assertThat(migrator.migrate()).isEmpty();
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("SELECT count() FROM schema_migrations").single()).isEqualTo(Integer.toString(Migrations.tapflow().size()));
        }
    }

    @Test
    void onlyTheNewFilesOfALaterBuildAreApplied() {
        ClickHouseSettings settings = ClickHouseServer.freshDatabase(clickhouse);
        new Migrator(settings).migrate();
        List<Migration> later = new ArrayList<>(Migrations.tapflow());
        later.add(Migration.of("0999_probe.sql", "CREATE TABLE IF NOT EXISTS probe (x UInt8) ENGINE = Memory;\n"));

        assertThat(new Migrator(settings, later).migrate()).extracting(Migration::name).containsExactly("0999_probe.sql");
    }

    @Test
    void anEditedAppliedFileIsRefusedAndNothingRuns() {
        ClickHouseSettings settings = ClickHouseServer.freshDatabase(clickhouse);
        new Migrator(settings).migrate();
        List<Migration> edited = new ArrayList<>(Migrations.tapflow());
        Migration original = edited.get(1);
        edited.set(1, Migration.of(original.name(), original.sql() + "\n-- a harmless-looking edit\n"));
        edited.add(Migration.of("0999_probe.sql", "CREATE TABLE IF NOT EXISTS probe (x UInt8) ENGINE = Memory;\n"));

        assertThatThrownBy(() -> new Migrator(settings, edited).migrate())
                .isInstanceOf(Migrator.MigrationException.class)
                .hasMessageContaining("0002_flow_aggregates.sql has changed since it was applied")
                .hasMessageContaining(original.checksum())
                .hasMessageContaining(edited.get(1).checksum());
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("EXISTS TABLE probe").single()).isEqualTo("0");
        }
    }

    @Test
    void flowsTakesRowsAndFinalCollapsesADoubledInsert() {
        ClickHouseSettings settings = ClickHouseServer.freshDatabase(clickhouse);
        new Migrator(settings).migrate();
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            // A retried batch: the same row inserted twice, in two blocks, as two parts.
            db.execute(insertFlow(42, "tls", 0));
            db.execute(insertFlow(42, "tls", 0));
            db.execute(insertFlow(43, "dns", 0));
            assertThat(db.select("SELECT count() FROM flows").single()).isEqualTo("3");
            assertThat(db.select("SELECT count() FROM flows FINAL").single()).isEqualTo("2");
            assertThat(db.select("SELECT count() FROM flows FINAL WHERE flow_seq = 42").single()).isEqualTo("1");

            // Enrichment writes a higher ver; FINAL keeps that one.
            db.execute(insertFlow(42, "https", 1));
            QueryResult r = db.select("SELECT app, IPv6NumToString(src_addr) AS src, mpls_labels, bytes_fwd FROM flows FINAL WHERE flow_seq = 42");
            assertThat(r.rows()).containsExactly(List.of("https", "::ffff:10.0.0.1", "[16,17]", "1500"));
        }
    }

    /** One flows row with every column given, in table order. */
    private static String insertFlow(long flowSeq, String app, long ver) {
        return "INSERT INTO flows VALUES ('2026-11-20 10:00:00', 1763632800000, 1763632805000, 'agent-1', 1763600000000, " + flowSeq
                + ", 'link-a', 4, IPv6StringToNum('::ffff:10.0.0.1'), IPv6StringToNum('::ffff:10.0.0.2'), 44321, 443, 6, 0, 0, [16, 17],"
                + " '', 10, 8, 1500, 900, 27, 25, 60, 64, 0, 'fin', 1, [], '" + app + "', 'web', 'example.org', '', '', 1763632806000, "
                + ver + ")";
    }
}
