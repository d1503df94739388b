package io.tapflow.servers;

/** Run in a child JVM by {@link EmbeddedClickHouseIT}: starts a server, prints its pid and dir, exits without closing it. */
public final class StartClickHouseAndExit {
    private StartClickHouseAndExit() {
    }

    @SuppressWarnings("resource") // not closing it is the point: the shutdown hook must clean up
    public static void main(String[] args) {
        EmbeddedClickHouse clickhouse = new EmbeddedClickHouse().start();
        System.out.println(clickhouse.pid() + " " + clickhouse.dir());
        System.out.flush();
        System.exit(0);
    }
}
