package io.tapflow.localstack.bench;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tapflow bench detect-state}: the detectors' checkpointed state after a sweep of N destinations. */
@Command(name = "detect-state", mixinStandardHelpOptions = true, usageHelpWidth = 120, sortOptions = false,
        description = {"Sends one source's sweep of N destination addresses (one unanswered SYN each, to one port, at a set",
            "rate in event time) through the behavioural detectors (DetectStage, default settings) on a Flink",
            "MiniCluster, takes a checkpoint right after the sweep's last flow, and prints its size per operator and in",
            "total (Flink's checkpoint statistics; heap state backend, checkpoints in a temp directory).",
            "",
            "Example:  tapflow bench detect-state --destinations 1000000"})
public final class DetectStateBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--destinations", paramLabel = "N", defaultValue = "1000000",
            description = "Destination addresses swept, 11.0.0.0 upwards (default ${DEFAULT-VALUE}).")
    long destinations;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "10000",
            description = "Sweep rate in event time, destinations per second (default ${DEFAULT-VALUE}: a fast scanner).")
    long rate;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "6881",
            description = "Destination port (default ${DEFAULT-VALUE}: not a service port, so the P2P detector sees the"
                    + " flows too; 80 is excluded there).")
    int port;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1",
            description = "Parallelism of the detectors (default ${DEFAULT-VALUE}).")
    int parallelism;

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(new CommandLine(new DetectStateBenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SweepStateProbe.Result r;
        try {
            r = SweepStateProbe.run(destinations, rate, port, parallelism);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("bench detect-state: " + e.getMessage());
            return 2;
        }
        out.printf("Sweep of %,d destinations on port %d at %,d/s (event time), parallelism %d: checkpointed state"
                + " right after the last flow (%.1f s)%n", r.destinations(), port, rate, parallelism, r.seconds());
        for (Map.Entry<String, Long> e : r.bytesByOperator().entrySet()) {
            out.printf("  %,14d bytes  %s%n", e.getValue(), e.getKey());
        }
        out.printf("  %,14d bytes  total (%.1f bytes per destination)%n", r.totalBytes(),
                (double) r.totalBytes() / r.destinations());
        out.flush();
        return 0;
    }
}
