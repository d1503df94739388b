package io.tapflow.jobs.cli;

import io.tapflow.jobs.clickhouse.ClickHouseQueryException;
import io.tapflow.jobs.clickhouse.Migrator;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the flink-jobs commands ({@code ./tapflow aggregate|schema|retention ...}), and the entry class of
 * the jobs' Flink deployments.
 * A parent command: each job or tool is a subcommand. Exit codes: 0 done, 1 failed (server unreachable, statement
 * refused), 2 bad arguments.
 */
@Command(name = "tapflow", mixinStandardHelpOptions = true, version = "tapflow 0.1.0",
        usageHelpWidth = 120,
        description = "TapFlow's Flink side: the jobs (aggregation with DPI, DPI replay), the ClickHouse schema and its retention.",
        footer = {"", "Each command has --help."},
        subcommands = {AggregateCommand.class, ReplayCommand.class, SchemaCommand.class, RetentionCommand.class})
public final class JobsCli {
    private JobsCli() {
    }

    public static void main(String[] args) {
        // client-v2 logs every connection retry as a WARN with a stack trace; a CLI reports the outcome in one line.
        defaultLogLevel("com.clickhouse", "error");
        // The commands print what they did; the INFO lines of the same would only repeat it on stderr.
        defaultLogLevel("io.tapflow.jobs.clickhouse", "warn");
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** For tests: the command's output and its error lines go to the given writers. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(JobsCli.class).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tapflow " + commandLine.getCommandName() + ": " + oneLine(e));
            LoggerFactory.getLogger(JobsCli.class).debug("failure", e);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli.execute(args);
    }

    private static void defaultLogLevel(String logger, String level) {
        String key = "org.slf4j.simpleLogger.log." + logger;
        if (System.getProperty(key) == null) {
            System.setProperty(key, level);
        }
    }

    private static String oneLine(Exception e) {
        // Ours carry a complete message (server text, URL, file); anything else needs its type to make sense.
        boolean ours = e instanceof ClickHouseQueryException || e instanceof Migrator.MigrationException
                || e instanceof IllegalStateException;
        return (ours && e.getMessage() != null ? e.getMessage() : e.toString()).replace('\n', ' ');
    }
}
