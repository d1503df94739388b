package io.tapflow.localstack.bench.detect;

import io.tapflow.agent.bench.CaptureLists;
import io.tapflow.agent.bench.attack.AttackGroup;
import io.tapflow.agent.bench.attack.AttackKind;
import io.tapflow.agent.bench.attack.AttackTrace;
import io.tapflow.jobs.detect.DetectSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tapflow bench detect}: detection quality (recall, precision, delay) over labelled injected attacks. */
@Command(name = "detect", mixinStandardHelpOptions = true, usageHelpWidth = 120, sortOptions = false,
        description = {"Measures the behavioural detectors' recall, precision and detection delay: writes a pcap of",
            "real background traffic (the bundled benign captures, replayed over one timeline) with injected, labelled",
            "attacks, runs the detectors over it exactly as `tapflow detect` does (payload sampling off), and matches",
            "each OPEN alert to the labels by detector and subject. Attacks, each by and against addresses of its own:",
            "SYN floods (spoofed SYNs to victim:80), vertical scans (one host's ports), horizontal scans (port 22 on",
            "many hosts), P2P-like hosts (TCP and UDP both ways with peers on high ports; and TCP-only ones, for the",
            "{IP, port} heuristics) and fan-outs (HTTPS to many servers), each at rates that are multiples of its",
            "detector's threshold (see --rates). Each instance sends twice its threshold's count, evenly spaced:",
            "200 SYNs, 30 ports, 50 hosts, 6 peers (TCP+UDP), 20 peers (TCP only), 200 servers.",
            "",
            "An alert is a true positive when its detector and subject match a label and its event time lies between",
            "the attack's start and its end plus one detector window; delay = alert event time - attack start (the",
            "event time an OPEN alert carries, its episode_id: the SYN of the attempt that crossed for syn_flood, the",
            "last packet of the flow that crossed for the others). Every other alert is a false positive.",
            "Prints Markdown tables on stdout (per detector, attack and rate; then per detector), the run on stderr.",
            "",
            "Example:  tapflow bench detect --rates 0.5,1,4 --instances 100 --seed 1"})
public final class DetectBenchCommand implements Callable<Integer> {
    /** Bundled captures with attacks or P2P of their own: their alerts are expected, so they are not background. */
    static final Set<String> NOT_BACKGROUND = Set.of("synscan.pcap", "bittorrent.pcap", "gnutella.pcap", "edonkey.pcap");

    @Spec
    CommandSpec spec;

    @Option(names = "--rates", paramLabel = "M,M...", split = ",", defaultValue = "0.5,1,4",
            description = "Attack rates as multiples of each detector's threshold: 1 = SYN flood 250 half-open/s, vertical scan"
                    + " 15 ports and horizontal 25 hosts per 5 min, P2P 3 TCP+UDP peers (TCP only: 10 peers) per 5 min,"
                    + " fan-out 100 peers per 5 min"
                    + " (the defaults of DetectSettings) (default ${DEFAULT-VALUE}).")
    double[] rates;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "100",
            description = "Attack instances per kind and rate (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--kinds", paramLabel = "KIND,...", split = ",",
            defaultValue = "syn_flood,vertical_scan,horizontal_scan,p2p_host,p2p_tcp_host,fan_out",
            description = "Attack kinds to inject (default ${DEFAULT-VALUE}).")
    List<String> kinds;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of everything random: the same seed and options give the same trace (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--background", paramLabel = "FILE|DIR", arity = "0..*",
            description = "Background captures (directories: their .pcap/.pcapng/.cap files); none given: the bundled"
                    + " testdata/pcap captures except synscan, bittorrent, gnutella and edonkey (their own alerts are"
                    + " expected). --background with no file: attacks only.")
    List<Path> background;

    @Option(names = "--background-every", paramLabel = "SECONDS", defaultValue = "60",
            description = "Each background capture starts again every this many seconds over the whole trace (default ${DEFAULT-VALUE}).")
    long backgroundEverySeconds;

    @Option(names = "--no-shift", description = "Replay background repeats on their original addresses (default: each repeat"
            + " on addresses of its own, so overlapping repeats do not add up into busier hosts).")
    boolean noShift;

    @Option(names = "--spread", paramLabel = "SECONDS", defaultValue = "120",
            description = "The instances of a group start spread over this many seconds, after 30 s of background alone (default ${DEFAULT-VALUE}).")
    long spreadSeconds;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Keep the trace, its labels and the alerts here (attacks.pcap, attacks.labels.jsonl, alerts.jsonl);"
                    + " default: a temporary directory, deleted.")
    Path out;

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(new CommandLine(new DetectBenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String bad = validate();
        if (bad != null) {
            err.println("bench detect: " + bad);
            return 2;
        }
        List<AttackKind> chosen = new ArrayList<>();
        for (String k : kinds) {
            AttackKind kind = Stream.of(AttackKind.values()).filter(v -> v.label().equals(k.trim())).findFirst().orElse(null);
            if (kind == null) {
                err.println("bench detect: unknown attack kind " + k + " (syn_flood, vertical_scan, horizontal_scan, p2p_host, p2p_tcp_host, fan_out)");
                return 2;
            }
            chosen.add(kind);
        }
        List<Path> bg;
        try {
            bg = background == null ? defaultBackground() : CaptureLists.expand(background);
        } catch (IllegalArgumentException e) {
            err.println("bench detect: " + e.getMessage());
            return 2;
        }
        for (Path f : bg) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                err.println("bench detect: cannot read background capture " + f);
                return 2;
            }
        }
        DetectSettings settings = DetectSettings.defaults();
        List<AttackGroup> groups;
        AttackTrace.Spec traceSpec;
        try {
            groups = AttackMix.groups(settings, rates, instances, chosen);
            traceSpec = new AttackTrace.Spec(groups, bg, Duration.ofSeconds(backgroundEverySeconds), !noShift, seed,
                    AttackTrace.Spec.DEFAULT_START, Duration.ofSeconds(30), Duration.ofSeconds(spreadSeconds),
                    Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            err.println("bench detect: " + e.getMessage());
            return 2;
        }
        Path dir = out != null ? Files.createDirectories(out) : Files.createTempDirectory("tapflow-bench-detect");
        long t0 = System.nanoTime();
        try {
            DetectionBench.Outcome r = DetectionBench.run(traceSpec, settings, dir);
            err.println(r.trace().summary());
            for (String e : r.meterErrors()) {
                err.println("bench detect: meter: " + e);
            }
            err.printf(Locale.ROOT, "bench detect: %d flow records, %d alerts; meter + detectors %.1f s, total %.1f s%n",
                    r.flows(), r.alerts().size(), r.detectSeconds(), (System.nanoTime() - t0) / 1e9);
            ScoreTable.print(o, r.score(), groups, bg.size(), seed);
            o.flush();
            return 0;
        } finally {
            if (out == null) {
                deleteTree(dir);
            }
        }
    }

    private String validate() {
        if (rates == null || rates.length == 0) {
            return "--rates needs at least one multiple";
        }
        for (double m : rates) {
            if (!(m > 0) || m > 1000) {
                return "--rates must be multiples in (0, 1000], got " + m;
            }
        }
        if (instances < 1 || instances > 10_000) {
            return "--instances must be 1-10000, got " + instances;
        }
        if (backgroundEverySeconds < 1) {
            return "--background-every must be at least 1 s, got " + backgroundEverySeconds;
        }
        if (spreadSeconds < 0) {
            return "--spread must not be negative, got " + spreadSeconds;
        }
        return null;
    }

    /** The bundled captures ($TAPFLOW_HOME/testdata/pcap) without those whose alerts are expected. */
    static List<Path> defaultBackground() {
        return CaptureLists.bundled().stream().filter(p -> !NOT_BACKGROUND.contains(p.getFileName().toString())).toList();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
