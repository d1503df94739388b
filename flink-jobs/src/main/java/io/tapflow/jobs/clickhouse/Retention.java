package io.tapflow.jobs.clickhouse;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops whole day partitions older than a number of days from every table of the database partitioned by
 * {@code toYYYYMMDD(...)}: what TTL does on current ClickHouse, which 18.16 lacks. Whole partitions only, so a day
 * goes at once and no rows are rewritten.
 *
 * <p>A day D (UTC, as {@code toYYYYMMDD} of a {@code DateTime('UTC')} column gives it) is dropped when
 * {@code D < today - days}: with 30 days, on 2026-11-23 the partitions up to 20261023 go and 20261024 stays.
 *
 * <p>The partition value comes from {@code system.parts.partition}, the partition expression's value as a SQL literal
 * ({@code 20261014}), which {@code DROP PARTITION} takes as it is on 18.16 and current releases; quoted
 * ({@code '20261014'}) it fails on 18.16 with a type mismatch, as the key is a UInt32.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;

    private final ClickHouseSettings settings;
    private final Clock clock;

    public Retention(ClickHouseSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public Retention(ClickHouseSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** One day partition of one table. */
    public record Partition(String table, LocalDate day) {
        /** The partition value as {@code toYYYYMMDD} gives it, e.g. {@code 20261014}. */
        public String value() {
            return day.format(YYYYMMDD);
        }

        @Override
        public String toString() {
            return table + " " + value();
        }
    }

    /** The partitions a {@link #drop} with these days would drop; changes nothing. */
    public List<Partition> expired(int days) {
        LocalDate cutoff = cutoff(days);
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            return dayPartitions(db).stream().filter(p -> p.day().isBefore(cutoff)).toList();
        }
    }

    /** Drops the partitions older than {@code days} days and returns them. */
    public List<Partition> drop(int days) {
        LocalDate cutoff = cutoff(days);
        List<Partition> dropped = new ArrayList<>();
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            for (Partition p : dayPartitions(db)) {
                if (p.day().isBefore(cutoff)) {
                    db.execute("ALTER TABLE `" + p.table() + "` DROP PARTITION " + p.value());
                    LOG.info("dropped {}.{} partition {}", settings.database(), p.table(), p.value());
                    dropped.add(p);
                }
            }
        }
        return List.copyOf(dropped);
    }

    /** The first day that stays. */
    LocalDate cutoff(int days) {
        if (days < 1) {
            throw new IllegalArgumentException("retention must keep at least 1 day, got " + days);
        }
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(days);
    }

    /** Active partitions of the day-partitioned tables; schema_migrations is not one, and is excluded by name too. */
    private List<Partition> dayPartitions(ClickHouseQueries db) {
        String database = settings.database(); // a plain identifier: ClickHouseSettings checks it
        QueryResult parts = db.select("""
                SELECT DISTINCT table, partition
                FROM system.parts
                WHERE database = '%1$s' AND active AND table != '%2$s'
                  AND table IN (SELECT name FROM system.tables WHERE database = '%1$s' AND partition_key LIKE 'toYYYYMMDD(%%')
                ORDER BY table, partition""".formatted(database, Migrator.MIGRATIONS_TABLE));
        List<Partition> out = new ArrayList<>();
        for (List<String> row : parts.rows()) {
            String table = row.get(0);
            String partition = row.get(1);
            if (!table.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                LOG.warn("{}.{}: not a plain identifier; retention leaves it alone", database, table);
                continue;
            }
            try {
                out.add(new Partition(table, LocalDate.parse(partition, YYYYMMDD)));
            } catch (DateTimeParseException e) {
                LOG.warn("{}.{}: partition {} is not a YYYYMMDD day; retention leaves it alone", database, table, partition);
            }
        }
        return out;
    }
}
