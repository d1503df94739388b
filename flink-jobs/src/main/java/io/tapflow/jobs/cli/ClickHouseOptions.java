package io.tapflow.jobs.cli;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where ClickHouse is, shared by every command that talks to it. */
final class ClickHouseOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--clickhouse", required = true, paramLabel = "URL",
            description = "ClickHouse HTTP endpoint, e.g. http://127.0.0.1:8123.")
    String url;

    @Option(names = "--database", paramLabel = "NAME", defaultValue = ClickHouseSettings.DEFAULT_DATABASE,
            description = "Database holding TapFlow's tables (default: ${DEFAULT-VALUE}).")
    String database;

    @Option(names = "--user", paramLabel = "USER", defaultValue = "default", description = "ClickHouse user (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:TAPFLOW_CLICKHOUSE_PASSWORD}",
            description = "Password (default: $TAPFLOW_CLICKHOUSE_PASSWORD, else empty). Prefer the variable: "
                    + "a command line is visible to other users.")
    String password;

    /** @throws ParameterException (exit code 2) for a malformed URL or database name */
    ClickHouseSettings settings() {
        try {
            return new ClickHouseSettings(url, database, user, password);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
