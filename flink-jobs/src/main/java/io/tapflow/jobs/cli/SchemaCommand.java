package io.tapflow.jobs.cli;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Migration;
import io.tapflow.jobs.clickhouse.Migrator;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code schema}: TapFlow's ClickHouse schema. */
@Command(name = "schema", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = "TapFlow's ClickHouse schema: the tables the Flink jobs write and the console reads.",
        subcommands = SchemaCommand.Migrate.class)
final class SchemaCommand {

    @Command(name = "migrate", mixinStandardHelpOptions = true, usageHelpWidth = 120,
            description = {"Creates the database if needed and applies the migration files this build carries that the",
                "database has not recorded yet (table schema_migrations), in order. Safe to run again: an up-to-date",
                "database is left alone. Refuses, changing nothing, if a file applied earlier has been edited since.",
                "Example: ./tapflow schema migrate --clickhouse http://127.0.0.1:8123"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:schema up to date (applied what was missing)",
                "1:ClickHouse unreachable, a statement failed, or an applied migration was edited",
                "2:bad arguments"})
    static final class Migrate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClickHouseOptions clickhouse;

        @Option(names = "--dry-run", description = "List the migrations that would be applied; change nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            ClickHouseSettings settings = clickhouse.settings();
            PrintWriter out = spec.commandLine().getOut();
            Migrator migrator = new Migrator(settings);
            List<Migration> migrations = dryRun ? migrator.pending() : migrator.migrate();
            if (migrations.isEmpty()) {
                out.println("schema of " + settings.database() + " at " + settings.url() + " is up to date");
            }
            for (Migration m : migrations) {
                out.println((dryRun ? "would apply " : "applied ") + m.name() + " (" + Plural.of(m.statements().size(), "statement") + ")");
            }
            out.flush();
            return 0;
        }
    }
}
