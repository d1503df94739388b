package io.tapflow.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
    void aPortTakenBeforeTheServerBindsItIsRetriedOnNewPorts() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger attempts = new AtomicInteger();
            Supplier<int[]> picker = () -> attempts.incrementAndGet() == 1
                    ? new int[] {taken.getLocalPort(), LoopbackPorts.free(1)[0]}
                    : LoopbackPorts.free(2);
            try (EmbeddedClickHouse clickhouse = new EmbeddedClickHouse(null, picker).start()) {
                assertThat(attempts.get()).isEqualTo(2);
                assertThat(clickhouse.httpUrl()).doesNotEndWith(":" + taken.getLocalPort());
                assertThat(clickhouse.query("SELECT 1").strip()).isEqualTo("1");
            }
        }
    }

    @Test
    void aJvmThatExitsWithoutClosingStillStopsItsServer() throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartClickHouseAndExit.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String line = output.lines().filter(l -> l.matches("\\d+ /.*")).findFirst()
                .orElseThrow(() -> new AssertionError("child printed no pid and dir:\n" + output));
        long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
        Path dir = Path.of(line.substring(line.indexOf(' ') + 1));
        Optional<ProcessHandle> server = ProcessHandle.of(pid);
        assertThat(server.isEmpty() || !server.get().isAlive()).as("server %d stopped by the shutdown hook", pid).isTrue();
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
    void restartComesBackOnTheSameUrlWithTheSameData() {
        try (EmbeddedClickHouse clickhouse = new EmbeddedClickHouse().start()) {
            String url = clickhouse.httpUrl();
            clickhouse.query("CREATE TABLE default.r (x UInt8) ENGINE = MergeTree ORDER BY x");
            clickhouse.query("INSERT INTO default.r VALUES (7)");
            clickhouse.stop();
            assertThat(clickhouse.running()).isFalse();

            clickhouse.restart();

            assertThat(clickhouse.httpUrl()).isEqualTo(url);
            assertThat(clickhouse.query("SELECT x FROM default.r").strip()).isEqualTo("7");
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
