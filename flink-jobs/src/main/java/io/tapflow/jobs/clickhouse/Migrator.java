package io.tapflow.jobs.clickhouse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database up to the newest schema: creates the database, then applies the migration files not yet recorded
 * in its {@code schema_migrations} table, in order, recording each one after all its statements succeeded. Running it
 * again applies nothing. A recorded file whose text has changed since is refused before anything runs.
 *
 * <p>Two migrators must not run against one database at the same time: ClickHouse has no lock to take for it.
 */
public final class Migrator {
    public static final String MIGRATIONS_TABLE = "schema_migrations";
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    // MergeTree because 18.16 has nothing lighter that persists; a handful of rows, never merged away.
    private static final String CREATE_MIGRATIONS_TABLE = """
            CREATE TABLE IF NOT EXISTS %s (
                version    UInt32,
                name       String,
                checksum   String,
                applied_at DateTime('UTC')
            ) ENGINE = MergeTree() ORDER BY version""".formatted(MIGRATIONS_TABLE);

    private final ClickHouseSettings settings;
    private final List<Migration> migrations;

    /** TapFlow's migrations from the classpath. */
    public Migrator(ClickHouseSettings settings) {
        this(settings, Migrations.tapflow());
    }

    public Migrator(ClickHouseSettings settings, List<Migration> migrations) {
        this.settings = settings;
        this.migrations = List.copyOf(migrations);
    }

    /**
     * @return the migrations applied by this run, in order; empty when the schema was already current
     * @throws MigrationException when an applied file has changed, or a recorded version has another name
     */
    public List<Migration> migrate() {
        try (ClickHouseQueries server = ClickHouseQueries.openServer(settings)) {
            server.execute("CREATE DATABASE IF NOT EXISTS " + settings.database());
        }
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            db.execute(CREATE_MIGRATIONS_TABLE);
            List<Migration> pending = pending(applied(db));
            List<Migration> done = new ArrayList<>();
            for (Migration m : pending) {
                List<String> statements = m.statements();
                for (String statement : statements) {
                    db.execute(statement);
                }
                db.execute("INSERT INTO " + MIGRATIONS_TABLE + " (version, name, checksum, applied_at) VALUES ("
                        + m.version() + ", '" + m.name() + "', '" + m.checksum() + "', now())");
                LOG.info("applied {} ({} statements) to {}", m.name(), statements.size(), settings);
                done.add(m);
            }
            return List.copyOf(done);
        }
    }

    /** What {@link #migrate()} would apply, checking the applied files as it does, without changing anything. */
    public List<Migration> pending() {
        try (ClickHouseQueries server = ClickHouseQueries.openServer(settings)) {
            String exists = server.select("SELECT count() FROM system.tables WHERE database = '" + settings.database()
                    + "' AND name = '" + MIGRATIONS_TABLE + "'").single();
            if (exists.equals("0")) {
                return migrations;
            }
        }
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            return pending(applied(db));
        }
    }

    private static Map<Integer, Applied> applied(ClickHouseQueries db) {
        QueryResult rows = db.select("SELECT version, name, checksum FROM " + MIGRATIONS_TABLE + " ORDER BY version");
        Map<Integer, Applied> out = new HashMap<>();
        for (List<String> r : rows.rows()) {
            out.put(Integer.parseInt(r.get(0)), new Applied(r.get(1), r.get(2)));
        }
        return out;
    }

    private List<Migration> pending(Map<Integer, Applied> applied) {
        List<Migration> out = new ArrayList<>();
        for (Migration m : migrations) {
            Applied a = applied.get(m.version());
            if (a == null) {
                out.add(m);
            } else if (!a.name().equals(m.name())) {
                throw new MigrationException(settings.database() + "." + MIGRATIONS_TABLE + " records version " + m.version()
                        + " as " + a.name() + ", but this build's version " + m.version() + " is " + m.name());
            } else if (!a.checksum().equals(m.checksum())) {
                throw new MigrationException(m.name() + " has changed since it was applied to " + settings.database()
                        + " (recorded sha-256 " + a.checksum() + ", file now " + m.checksum()
                        + "). Never edit an applied migration: restore it and add a new file instead.");
            }
        }
        int newest = migrations.isEmpty() ? 0 : migrations.getLast().version();
        applied.keySet().stream().filter(v -> v > newest).findAny().ifPresent(v -> LOG.warn(
                "{} has migration {} applied, newer than this build knows ({}): a newer TapFlow migrated it", settings, v, newest));
        return out;
    }

    private record Applied(String name, String checksum) {
    }

    /** The recorded schema history and the migration files disagree; nothing was applied. */
    public static final class MigrationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MigrationException(String message) {
            super(message);
        }
    }
}
