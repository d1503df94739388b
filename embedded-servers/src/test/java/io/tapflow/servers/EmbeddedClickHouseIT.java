package io.tapflow.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedClickHouseIT {

    @Test
    void startsAnswersQueriesAndLeavesNothingBehindOnClose() {
        long pid;
        Path dir;
        try (EmbeddedClickHouse clickhouse = new EmbeddedClickHouse().start()) {
            pid = clickhouse.pid();
            dir = clickhouse.dir();
            assertThat(clickhouse.httpUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(clickhouse.query("SELECT 1 + 1").strip()).isEqualTo("2");
            assertThat(clickhouse.query("SELECT timezone()").strip()).endsWith("UTC"); // 18.16 says Etc/UTC
            // The profile enables LowCardinality, which the TapFlow tables use.
            clickhouse.query("CREATE TABLE default.lc (s LowCardinality(String)) ENGINE = Memory");
            assertThat(Files.exists(dir.resolve("log/server.log"))).isTrue();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        assertThat(process.isEmpty() || !process.get().isAlive()).as("server process %d is gone", pid).isTrue();
        assertThat(dir).doesNotExist();
    }

    @Test
    void errorsCarryTheServersMessage() {
        try (EmbeddedClickHouse clickhouse = new EmbeddedClickHouse().start()) {
            assertThatThrownBy(() -> clickhouse.query("SELEC 1"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Syntax error")
                    .hasMessageContaining("SELEC 1");
        }
    }

    @Test
    void twoServersRunSideBySideOnDifferentPorts() {
        try (EmbeddedClickHouse a = new EmbeddedClickHouse().start(); EmbeddedClickHouse b = new EmbeddedClickHouse().start()) {
            assertThat(a.httpUrl()).isNotEqualTo(b.httpUrl());
            assertThat(b.query("SELECT 7").strip()).isEqualTo("7");
        }
    }

    @Test
    void aKeptDirSurvivesCloseAndKeepsItsData(@TempDir Path kept) {
        try (EmbeddedClickHouse clickhouse = new EmbeddedClickHouse(kept).start()) {
            clickhouse.query("CREATE TABLE default.t (x UInt8) ENGINE = MergeTree ORDER BY x");
            clickhouse.query("INSERT INTO default.t VALUES (42)");
        }
        assertThat(kept.resolve("config.xml")).exists();
        try (EmbeddedClickHouse again = new EmbeddedClickHouse(kept).start()) {
            assertThat(again.query("SELECT x FROM default.t").strip()).isEqualTo("42");
        }
    }

    @Test
    void stopThenStartComesBackWithTheSameData() {
        try (EmbeddedClickHouse clickhouse = new EmbeddedClickHouse().start()) {
            clickhouse.query("CREATE TABLE default.t (x UInt8) ENGINE = MergeTree ORDER BY x");
            clickhouse.query("INSERT INTO default.t VALUES (1)");
            clickhouse.stop();
            assertThat(clickhouse.running()).isFalse();
            clickhouse.start();
            assertThat(clickhouse.query("SELECT count() FROM default.t").strip()).isEqualTo("1");
        }
    }
}
