package io.tapflow.localstack.detect;

import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.jobs.cli.DetectOptions;
import io.tapflow.jobs.detect.AlertJson;
import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.detect.DetectStage;
import io.tapflow.jobs.detect.HeavyHitterJson;
import io.tapflow.jobs.detect.HeavyHitterRow;
import io.tapflow.jobs.detect.HeavyHitterSettings;
import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tapflow detect}: the behavioural detectors of the Flink job over capture files, alerts as JSON lines. */
@Command(name = "detect", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Runs TapFlow's behavioural detectors (Flink, local) over capture files and prints one JSON alert",
            "per line: an OPEN record when an episode starts and a CLOSED one, with final evidence, when it ends.",
            "Each file is metered in-process as its own link, like the capture agent; the flow records, in event-time",
            "order (a flow's last packet), go through the keyed Flink operators of DetectStage (the same ones the live",
            "aggregation job runs), and the end of input closes every open episode. Port scan, SYN flood, P2P and fan-out read",
            "flow records only, so they work without payload. With payload sampling on (the default), each flow is also",
            "classified by the DPI dissectors, which gives the DNS detector its query names and response codes; with",
            "--payload-samples 0 only its query rate runs.",
            "",
            "Detectors and defaults (Zeek's thresholds; see README, \"Behavioural detection\"):",
            "  port_scan  per source: over 5 min of failed or data-less TCP connections, 15 distinct ports on one",
            "             host (vertical) or 25 distinct hosts on one port (horizontal)",
            "  syn_flood  per victim address and port: at least 100 half-open attempts at 250/s or more",
            "             (Zeek's 15,000 per minute) in a sliding 60 s window",
            "  p2p        per host (each flow from both ends), over 5 min of TCP and UDP flows without well-known",
            "             service ports: TCP and UDP with 3 peers (tcp_udp), or at least 10 distinct peer addresses",
            "             on about as many distinct ports (ratio 0.8) on one endpoint (endpoint) or on its own",
            "             connections to peers' high ports (peer_ports); after Karagiannis et al., IMC 2004",
            "  fan_out    per source: 100 distinct destinations or 1000 connections in 5 min (PNA's connection monitor)",
            "  trw_scan   per source: Threshold Random Walk (Jung et al. 2004; theta0 0.8, theta1 0.2, P_D 0.99,",
            "             P_F 0.01) over first-contact TCP connections to new {address, port} destinations: 4 failed",
            "             (unanswered or refused) in a row make a scanner; failures spread over distinct hosts on",
            "             as many distinct high ports are a P2P client's stale peers and raise nothing",
            "  dns_anomaly per client, in 1 min: 600 queries to port 53 (query_rate, flow records alone); at least 20",
            "             NXDOMAIN responses that are half or more of the answers (nxdomain); 10 distinct query names under",
            "             one registered domain whose part left of it has 30+ characters of entropy 3.5+ bits (tunnel)",
            "",
            "Every threshold can be changed with the options below (the same ones as tapflow aggregate's).",
            "",
            "With --heavy-hitters N, the heavy hitters per link follow the alerts: the top N source and destination",
            "addresses by bytes and by packets per window, one JSON object per line with \"type\":\"heavy_hitter\"",
            "(Space-Saving: the true value lies in [estimate - error, estimate]).",
            "",
            "Exit status: 0 all input read; 1 a capture was corrupt or truncated (the flows before the bad point are",
            "still used); 2 bad usage or a file that cannot be read.",
            "",
            "Example:  tapflow detect --read testdata/pcap/synscan.pcap --payload-samples 0"})
public final class DetectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--read", paramLabel = "FILE", arity = "1..*", required = true,
            description = "Capture files (pcap, pcapng); each is metered as its own link named after the file.")
    List<Path> files;

    @Option(names = "--payload-samples", paramLabel = "N", defaultValue = "4",
            description = "Payload packets the meter samples per flow direction and the classifier reads (default"
                    + " ${DEFAULT-VALUE}, the agent's; 0-15). Only the DNS detector's NXDOMAIN and tunnel checks use"
                    + " payload; 0 turns classification off and leaves them out.")
    int payloadSamples;

    @Mixin
    DetectOptions thresholds;

    @Option(names = "--output", paramLabel = "KIND", defaultValue = "jsonl",
            description = "jsonl (default): one JSON alert per line on stdout; none: only the summary on stderr.")
    String output;

    @Option(names = "--heavy-hitters", paramLabel = "N", defaultValue = "0",
            description = "Also print the top N heavy hitters per link, window, direction (src/dst) and metric (bytes/packets)"
                    + " as JSON lines after the alerts (default ${DEFAULT-VALUE}: off, the output is alerts only).")
    int heavyHitters;

    @Option(names = "--heavy-hitter-counters", paramLabel = "K", defaultValue = "1024",
            description = "Space-Saving counters per link, direction and metric; an estimate overcounts by at most the"
                    + " window's total / K (default ${DEFAULT-VALUE}).")
    int heavyHitterCounters;

    @Option(names = "--heavy-hitter-window", paramLabel = "SECONDS", defaultValue = "60",
            description = "Heavy-hitter tumbling window in seconds (default ${DEFAULT-VALUE}).")
    int heavyHitterWindowSeconds;

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // stdout is the alerts, keep stderr short
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line of {@code detect}: the detectors' options without aggregate's --detect and --alerts-topic. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DetectCommand());
        for (String name : DetectOptions.AGGREGATE_ONLY) {
            cli.getCommandSpec().remove(cli.getCommandSpec().findOption(name));
        }
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!output.equals("jsonl") && !output.equals("none")) {
            err.println("detect: --output must be jsonl or none, got " + output);
            return 2;
        }
        if (payloadSamples < 0 || payloadSamples > 15) {
            err.println("detect: --payload-samples must be 0-15, got " + payloadSamples);
            return 2;
        }
        DetectSettings settings;
        HeavyHitterSettings hh;
        try {
            settings = thresholds.thresholds();
            hh = new HeavyHitterSettings(Duration.ofSeconds(heavyHitterWindowSeconds), heavyHitterCounters, heavyHitters);
        } catch (IllegalArgumentException e) {
            err.println("detect: " + e.getMessage());
            return 2;
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                err.println("detect: cannot read " + f + (Files.exists(f) ? ": not a readable file" : ": no such file"));
                return 2;
            }
        }
        long start = System.nanoTime();
        List<ClassifiedFlow> flows = new ArrayList<>();
        int corrupt = 0;
        ClassifierEngine engine = payloadSamples > 0 ? ClassifierEngine.defaults() : null;
        for (Path f : files) {
            CaptureFlows.Result r = CaptureFlows.meter(f, payloadSamples, engine);
            for (String e : r.replay().errors()) {
                err.println("detect: " + e + " (the flows read before it are still used)");
                corrupt++;
            }
            flows.addAll(r.flows());
        }
        // One stream in event-time order: the captures' clocks span decades, and each capture's flows are exported
        // by end time only approximately (timeouts), so sorting makes the watermark exact and nothing late.
        flows.sort(Comparator.comparingLong(c -> c.flow.getLastMs()));
        int opened = 0;
        int closed = 0;
        for (Alert a : run(flows, settings)) {
            if (a.getState() == AlertState.OPEN) {
                opened++;
            } else {
                closed++;
            }
            if (output.equals("jsonl")) {
                out.println(AlertJson.format(a));
            }
        }
        int hitters = 0;
        if (hh.enabled()) {
            for (HeavyHitterRow row : heavyHitters(flows.stream().map(c -> c.flow).toList(), hh)) {
                hitters++;
                if (output.equals("jsonl")) {
                    out.println(HeavyHitterJson.format(row));
                }
            }
        }
        out.flush();
        err.printf("detect: %d capture(s), %d flow(s), %d alert(s) (%d opened, %d closed episodes)%s%s in %.1f s%n",
                files.size(), flows.size(), opened + closed, opened, closed,
                hh.enabled() ? ", " + hitters + " heavy-hitter row(s)" : "",
                corrupt > 0 ? ", " + corrupt + " corrupt capture(s)" : "", (System.nanoTime() - start) / 1e9);
        err.flush();
        return corrupt > 0 ? 1 : 0;
    }

    /**
     * The detectors on a local Flink environment (parallelism 1), over flows sorted by their last packet: the flow
     * detectors on the records, the DNS detector on the classified flows.
     */
    public static List<Alert> run(List<ClassifiedFlow> sortedFlows, DetectSettings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        List<Alert> alerts = new ArrayList<>();
        if (sortedFlows.isEmpty()) {
            return alerts; // fromData refuses an empty collection
        }
        DataStream<ClassifiedFlow> classified = env.fromData(sortedFlows, TypeInformation.of(ClassifiedFlow.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<ClassifiedFlow>forMonotonousTimestamps()
                        .withTimestampAssigner((c, ts) -> c.flow.getLastMs()));
        DataStream<FlowRecord> flows = classified.map(c -> c.flow, TypeInformation.of(FlowRecord.class));
        DataStream<Alert> detected = DetectStage.detect(flows, settings).union(DetectStage.dns(classified, settings));
        try (CloseableIterator<Alert> it = detected.executeAndCollect("tapflow detect")) {
            it.forEachRemaining(alerts::add);
        }
        return alerts;
    }

    /** The per-link heavy hitters on a local Flink environment (parallelism 1), over flows sorted by their last packet. */
    static List<HeavyHitterRow> heavyHitters(List<FlowRecord> sortedFlows, HeavyHitterSettings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        List<HeavyHitterRow> rows = new ArrayList<>();
        if (sortedFlows.isEmpty()) {
            return rows;
        }
        DataStream<FlowRecord> flows = env.fromData(sortedFlows, TypeInformation.of(FlowRecord.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<FlowRecord>forMonotonousTimestamps()
                        .withTimestampAssigner((r, ts) -> r.getLastMs()));
        try (CloseableIterator<HeavyHitterRow> it = DetectStage.heavyHitters(flows, settings)
                .executeAndCollect("tapflow detect: heavy hitters")) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
