package io.tapflow.jobs.cli;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Retention;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code retention}: drops old day partitions, for servers without TTL (18.16) or as a cron job. */
@Command(name = "retention", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Drops the day partitions older than --days from every TapFlow table partitioned by day",
            "(toYYYYMMDD), whole days at a time. Days are UTC; today counts as day 0, so --days 30 keeps today and the",
            "30 days before it. schema_migrations is never touched. Run it daily, e.g. from cron.",
            "Example: ./tapflow retention --days 30 --clickhouse http://127.0.0.1:8123 --dry-run"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or nothing to drop)", "1:ClickHouse unreachable or a statement failed", "2:bad arguments"})
final class RetentionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClickHouseOptions clickhouse;

    @Option(names = "--days", required = true, paramLabel = "N", description = "Days to keep before today (at least 1).")
    int days;

    @Option(names = "--dry-run", description = "List the partitions that would be dropped; drop nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (days < 1) {
            throw new ParameterException(spec.commandLine(), "--days must be at least 1, got " + days);
        }
        ClickHouseSettings settings = clickhouse.settings();
        Retention retention = new Retention(settings);
        List<Retention.Partition> partitions = dryRun ? retention.expired(days) : retention.drop(days);
        PrintWriter out = spec.commandLine().getOut();
        if (partitions.isEmpty()) {
            out.println("nothing older than " + days + " days in " + settings.database() + " at " + settings.url());
        }
        for (Retention.Partition p : partitions) {
            out.println((dryRun ? "would drop " : "dropped ") + settings.database() + "." + p.table() + " partition " + p.value());
        }
        out.flush();
        return 0;
    }
}
