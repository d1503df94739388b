package io.tapflow.jobs.clickhouse;

import io.tapflow.servers.EmbeddedClickHouse;
import java.util.concurrent.atomic.AtomicInteger;

/** Test helpers around one EmbeddedClickHouse per test class: a fresh database per test keeps tests apart. */
final class ClickHouseServer {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private ClickHouseServer() {
    }

    /** Settings for a database name not used before in this JVM (it does not exist yet). */
    static ClickHouseSettings freshDatabase(EmbeddedClickHouse clickhouse) {
        return ClickHouseSettings.of(clickhouse.httpUrl()).withDatabase("t" + DATABASES.incrementAndGet());
    }

    static void closeQuietly(EmbeddedClickHouse clickhouse) {
        if (clickhouse != null) {
            clickhouse.close();
        }
    }
}
