package io.tapflow.jobs.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.servers.EmbeddedClickHouse;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClickHouseQueriesIT {
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
    void selectReturnsNamesAndUnescapedValues() {
        try (ClickHouseQueries ch = ClickHouseQueries.openServer(ClickHouseSettings.of(clickhouse.httpUrl()))) {
            QueryResult r = ch.select("SELECT 1 AS n, 'tab\\there' AS s, NULL AS nothing, [1, 2] AS arr, toDateTime('2026-11-23 04:00:00', 'UTC') AS t;");
            assertThat(r.columns()).containsExactly("n", "s", "nothing", "arr", "t");
            assertThat(r.rows()).containsExactly(Arrays.asList("1", "tab\there", null, "[1,2]", "2026-11-23 04:00:00"));
        }
    }

    @Test
    void statementsRunInTheSettingsDatabase() {
        ClickHouseSettings settings = ClickHouseServer.freshDatabase(clickhouse);
        try (ClickHouseQueries server = ClickHouseQueries.openServer(settings)) {
            server.execute("CREATE DATABASE " + settings.database());
        }
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            assertThat(db.select("SELECT currentDatabase()").single()).isEqualTo(settings.database());
            db.execute("CREATE TABLE here (x UInt8) ENGINE = Memory");
            db.execute("INSERT INTO here VALUES (5)");
            assertThat(db.select("SELECT x FROM " + settings.database() + ".here").single()).isEqualTo("5");
        }
    }

    @Test
    void aRefusedStatementCarriesTheServersMessageAndTheSql() {
        try (ClickHouseQueries ch = ClickHouseQueries.openServer(ClickHouseSettings.of(clickhouse.httpUrl()))) {
            assertThatThrownBy(() -> ch.execute("CREATE TABLE broken (x UInt8) ENGINE = NoSuchEngine"))
                    .isInstanceOf(ClickHouseQueryException.class)
                    .isNotInstanceOf(ClickHouseUnreachableException.class)
                    .hasMessageContaining("NoSuchEngine")
                    .hasMessageContaining("Unknown table engine")
                    .satisfies(e -> assertThat(((ClickHouseQueryException) e).sql()).contains("ENGINE = NoSuchEngine"));
            assertThatThrownBy(() -> ch.select("SELECT no_such_column FROM system.one"))
                    .isInstanceOf(ClickHouseQueryException.class)
                    .hasMessageContaining("no_such_column")
                    .hasMessageContaining(clickhouse.httpUrl());
        }
    }

    @Test
    void nothingListeningIsUnreachableAndNamesTheUrl() {
        String url = "http://127.0.0.1:1";
        try (ClickHouseQueries ch = ClickHouseQueries.openServer(ClickHouseSettings.of(url))) {
            assertThatThrownBy(() -> ch.select("SELECT 1"))
                    .isInstanceOf(ClickHouseUnreachableException.class)
                    .hasMessageStartingWith("cannot reach ClickHouse at " + url);
        }
    }
}
