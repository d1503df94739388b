package io.tapflow.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickHouseServerBinaryTest {
    @TempDir
    Path tmp;

    @Test
    void noBinaryAnywhereSaysHowToInstallOne() {
        assertThatThrownBy(() -> ClickHouseServerBinary.locate(Map.of("PATH", tmp.toString()), List.of(tmp.resolve("nope"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clickhouse-server not found")
                .hasMessageContaining("apt-get install -y clickhouse-server")
                .hasMessageContaining("TAPFLOW_CLICKHOUSE_SERVER");
    }

    @Test
    void aWrongOverrideIsReportedNotSilentlyIgnored() {
        Path missing = tmp.resolve("missing/clickhouse-server");
        assertThatThrownBy(() -> ClickHouseServerBinary.locate(Map.of("TAPFLOW_CLICKHOUSE_SERVER", missing.toString()), List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("not an executable file");
    }

    @Test
    void theOverrideWinsOverThePath() throws IOException {
        Path onPath = executable(tmp.resolve("bin/clickhouse-server"));
        Path override = executable(tmp.resolve("custom/ch-server"));
        assertThat(ClickHouseServerBinary.locate(Map.of("TAPFLOW_CLICKHOUSE_SERVER", override.toString(),
                "PATH", onPath.getParent().toString()), List.of())).isEqualTo(override);
        assertThat(ClickHouseServerBinary.locate(Map.of("PATH", "/nonexistent:" + onPath.getParent()), List.of())).isEqualTo(onPath);
    }

    @Test
    void fallsBackToTheWellKnownLocations() throws IOException {
        Path sbin = executable(tmp.resolve("sbin/clickhouse-server"));
        assertThat(ClickHouseServerBinary.locate(Map.of("PATH", ""), List.of(tmp.resolve("bin/clickhouse-server"), sbin))).isEqualTo(sbin);
    }

    private static Path executable(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
