package io.tapflow.localstack;

import io.tapflow.agent.AgentRunner;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.schema.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main command: Kafka, ClickHouse and Flink on this machine, one capture agent per bundled capture (each
 * its own link), the aggregation job over what they published, and a summary from ClickHouse queries.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Runs the whole pipeline on this machine: an embedded Kafka (KRaft) broker, a ClickHouse server",
            "(the clickhouse-server binary, in a temp dir on loopback ports), one capture agent per bundled capture",
            "(testdata/pcap, each its own link) publishing to Kafka, then the Flink aggregation job with DPI and the",
            "detectors (MiniCluster) over everything they published, into ClickHouse. Prints traffic per link, top",
            "talkers, top protocols and ports, top applications, the detectors' alerts (synscan.pcap is a port scan),",
            "and the flows/packets/bytes that went through each stage, all from ClickHouse.",
            "Needs a JDK 25 and clickhouse-server (Debian/Ubuntu: apt-get install -y clickhouse-server)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every flow the agents published is in ClickHouse and the aggregates add up",
            "1:a stage lost or doubled something (see the stage table)", "2:bad usage, or clickhouse-server missing"})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--captures", paramLabel = "DIR", description = "Directory of pcap/pcapng files (default: testdata/pcap of this checkout).")
    Path captures;

    @Option(names = "--agents-in-parallel", paramLabel = "N", description = "Agents running at once (default 2).")
    int parallel = 2;

    @Option(names = "--parallelism", paramLabel = "N", description = "Flink job parallelism (default 2).")
    int parallelism = 2;

    @Option(names = "--top", paramLabel = "N", description = "Rows in the top-N tables (default 10).")
    int top = 10;

    @Option(names = "--keep-running", description = "Leave Kafka and ClickHouse up after the summary (for Grafana or ad-hoc SQL) until Ctrl-C.")
    boolean keepRunning;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = captures != null ? captures : Path.of(System.getenv().getOrDefault("TAPFLOW_HOME", ".")).resolve("testdata/pcap");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            System.err.println("tapflow demo: cannot list captures in " + dir.toAbsolutePath() + ": " + e.getMessage());
            return 2;
        }
        if (files.isEmpty()) {
            System.err.println("tapflow demo: no captures in " + dir.toAbsolutePath());
            return 2;
        }
        LocalStack stack;
        try {
            stack = LocalStack.start();
        } catch (IllegalStateException e) {
            System.err.println("tapflow demo: " + e.getMessage());
            return 2;
        }
        try {
            out.printf("Kafka (KRaft, in-process) at %s; ClickHouse at %s (database %s)%n", stack.kafkaBootstrap(),
                    stack.clickhouse().url(), stack.clickhouse().database());
            out.printf("Running %d agents (one per capture in %s), %d at a time...%n", files.size(), dir, parallel);
            List<AgentRunner.Result> runs = stack.runAgents(files, parallel);
            out.printf("Running the aggregation job (Flink MiniCluster, parallelism %d) over %s...%n", parallelism, Topics.FLOWS);
            stack.runAggregation(parallelism);
            int exit;
            try (ClickHouseQueries db = stack.queries()) {
                exit = new DemoReport(out, db, top).print(runs, stack.recordsIn(Topics.FLOWS), stack.recordsIn(Topics.DEAD_LETTER));
            }
            if (keepRunning) {
                waitForInterrupt(stack);
            }
            return exit;
        } finally {
            stack.close();
        }
    }

    private void waitForInterrupt(LocalStack stack) throws InterruptedException {
        out.println();
        out.printf("Still running (Ctrl-C stops everything):%n  ClickHouse HTTP %s  database %s  (Grafana: ClickHouse data source, protocol http)%n"
                + "  Kafka bootstrap %s%n", stack.clickhouse().url(), stack.clickhouse().database(), stack.kafkaBootstrap());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
    }
}
