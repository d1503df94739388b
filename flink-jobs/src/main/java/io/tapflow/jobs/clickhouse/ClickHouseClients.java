package io.tapflow.jobs.clickhouse;

import com.clickhouse.client.api.Client;
import java.time.temporal.ChronoUnit;

/** Builds client-v2 clients that work on ClickHouse 18.16 as well as current releases. */
public final class ClickHouseClients {
    private ClickHouseClients() {
    }

    /** A client bound to the settings' database. */
    public static Client open(ClickHouseSettings settings) {
        return builder(settings)
                .setDefaultDatabase(settings.database())
                // client-v2 names the database in an X-ClickHouse-Database header, which 18.16 ignores (statements
                // then run in `default`); every version reads the ?database= URL parameter that this adds.
                .serverSetting("database", settings.database())
                .build();
    }

    /** A client on the server's default database: for creating ours before it exists. */
    public static Client openServer(ClickHouseSettings settings) {
        return builder(settings).build();
    }

    private static Client.Builder builder(ClickHouseSettings settings) {
        return new Client.Builder()
                .addEndpoint(settings.url())
                .setUsername(settings.user())
                .setPassword(settings.password())
                // 18.16 answers compress=1 with an empty body: never ask for ClickHouse-compressed responses.
                .compressServerResponse(false)
                .setConnectTimeout(5, ChronoUnit.SECONDS)
                .setSocketTimeout(60, ChronoUnit.SECONDS);
    }
}
