package io.tapflow.jobs.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationTest {

    @Test
    void splitsOnSemicolonsAtLineEndsAndDropsCommentLines() {
        Migration m = Migration.of("0007_two_tables.sql", """
                -- a comment; with a semicolon;
                CREATE TABLE IF NOT EXISTS a (
                    x UInt8 -- inline comments stay, ClickHouse skips them
                ) ENGINE = Memory;

                  -- indented comment
                CREATE TABLE IF NOT EXISTS b (y String DEFAULT 'p;q') ENGINE = Memory ;
                CREATE TABLE IF NOT EXISTS c (z UInt8) ENGINE = Memory
                """);
        assertThat(m.version()).isEqualTo(7);
        assertThat(m.statements()).containsExactly(
                "CREATE TABLE IF NOT EXISTS a (\n    x UInt8 -- inline comments stay, ClickHouse skips them\n) ENGINE = Memory",
                "CREATE TABLE IF NOT EXISTS b (y String DEFAULT 'p;q') ENGINE = Memory",
                "CREATE TABLE IF NOT EXISTS c (z UInt8) ENGINE = Memory");
    }

    @Test
    void checksumIsTheSha256OfTheText() {
        assertThat(Migration.of("0001_x.sql", "").checksum()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Migration.of("0001_x.sql", "SELECT 1").checksum()).isNotEqualTo(Migration.of("0001_x.sql", "SELECT 2").checksum());
    }

    @Test
    void badFileNamesAreRejected() {
        assertThatThrownBy(() -> Migration.of("1_flows.sql", "")).hasMessageContaining("0001_some_name.sql").hasMessageContaining("1_flows.sql");
    }

    @Test
    void tapflowMigrationsLoadInOrderFromTheClasspath() {
        List<Migration> all = Migrations.tapflow();
        assertThat(all).extracting(Migration::name).containsExactly("0001_flows.sql", "0002_flow_aggregates.sql",
                "0003_link_totals_and_talkers.sql", "0004_agent_stats.sql", "0005_agent_stats_interface.sql",
                "0006_flow_verdicts.sql", "0007_alerts.sql", "0008_heavy_hitters.sql", "0009_alerts_dns.sql");
        assertThat(all).extracting(Migration::version).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(all.subList(0, 4)).flatExtracting(Migration::statements).hasSize(8)
                .allMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS "));
        assertThat(all.get(4).statements()).containsExactly(
                "ALTER TABLE agent_stats ADD COLUMN capture_interface LowCardinality(String) DEFAULT ''");
        assertThat(all.getLast().statements()).singleElement().asString().startsWith("ALTER TABLE alerts")
                .contains("ADD COLUMN dns_nxdomain UInt64 DEFAULT 0").contains("ADD COLUMN sample_names Array(String)");
    }
}
