package io.tapflow.servers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the {@code clickhouse-server} executable: {@code $TAPFLOW_CLICKHOUSE_SERVER} if set, else {@code clickhouse-server}
 * on the PATH, else the Debian package's locations. Tests and demos fail with an install hint rather than a bare
 * "No such file".
 */
public final class ClickHouseServerBinary {
    public static final String ENV_VAR = "TAPFLOW_CLICKHOUSE_SERVER";
    static final String EXECUTABLE = "clickhouse-server";
    static final List<Path> WELL_KNOWN = List.of(Path.of("/usr/bin/clickhouse-server"), Path.of("/usr/sbin/clickhouse-server"));

    private ClickHouseServerBinary() {
    }

    /** Looks in this process's environment. */
    public static Path locate() {
        return locate(System.getenv(), WELL_KNOWN);
    }

    /** @throws IllegalStateException naming what was tried and how to install the server */
    static Path locate(Map<String, String> env, List<Path> wellKnown) {
        String override = env.get(ENV_VAR);
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
            throw new IllegalStateException(ENV_VAR + "=" + override + " is not an executable file; point it at clickhouse-server"
                    + " or unset it to search the PATH");
        }
        List<Path> candidates = new ArrayList<>();
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, EXECUTABLE));
            }
        }
        candidates.addAll(wellKnown);
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("clickhouse-server not found (looked at $" + ENV_VAR + ", the PATH and " + wellKnown
                + "). Install it with `apt-get install -y clickhouse-server` on Debian/Ubuntu, or set " + ENV_VAR
                + " to the binary's path.");
    }
}
