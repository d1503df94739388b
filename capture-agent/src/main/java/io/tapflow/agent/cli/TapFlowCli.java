package io.tapflow.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the capture agent's commands; {@code ./tapflow} at the repository root calls it. */
@Command(name = "tapflow", mixinStandardHelpOptions = true, version = "tapflow 0.1.0",
        usageHelpWidth = 120,
        description = "TapFlow: meters network links into flow records and payload samples, published to Kafka, and classifies flows (DPI).",
        footer = {"", "Also run by ./tapflow:",
            "  demo       the whole pipeline here: Kafka + ClickHouse + Flink, one agent per bundled capture, a summary",
            "  aggregate  the Flink aggregation job: Kafka flows and agent stats into ClickHouse",
            "  detect     behavioural alerts (port scan, SYN flood, P2P, fan-out) over capture files, one JSON alert per line",
            "  broker     a real Kafka broker on loopback, for trying agents and benchmarks",
            "  schema     TapFlow's ClickHouse tables: schema migrate --clickhouse URL",
            "  retention  drops ClickHouse day partitions older than --days N",
            "  test       every test of the project (Maven verify)",
            "", "Each command has --help."},
        subcommands = {AgentCommand.class, ClassifyCommand.class, BenchCommand.class})
public final class TapFlowCli {
    private TapFlowCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(TapFlowCli.class);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tapflow " + commandLine.getCommandName() + ": " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(TapFlowCli.class).debug("failure", e);
            return 2;
        });
        return cli.execute(args);
    }
}
