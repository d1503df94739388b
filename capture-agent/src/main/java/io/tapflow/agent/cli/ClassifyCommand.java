package io.tapflow.agent.cli;

import io.tapflow.agent.classify.ClassifyRun;
import io.tapflow.agent.classify.TruthScore;
import io.tapflow.agent.config.AgentConfig;
import io.tapflow.agent.config.ConfigException;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.dissect.Dissectors;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.rules.HostRules;
import io.tapflow.classifier.rules.ProtocolCatalog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = {
            "Says what each flow is (DPI): meters captures like the agent and feeds every flow's first payload packets",
            "to the classifier (protocol dissectors, then host/SNI rules, then payload signatures, then a port guess for",
            "flows without payload). The agent's pattern matcher scans the payloads first (pattern.engine of --config,",
            "$TAPFLOW_MATCHER or --matcher; default aho-corasick) and the classifier asks the dissectors of the protocols",
            "it found first. Each capture is metered on its own. One JSON object per flow: the agent's flow fields plus",
            "app, master, category, server_name, ja3, ja4, confidence (DPI, HOST_RULE, SIGNATURE, PORT_GUESS, NONE).",
            "",
            "Examples:",
            "  tapflow classify --read trace.pcap --output jsonl                       flows with verdicts on stdout",
            "  tapflow classify --read testdata/pcap/* --out-dir out                   out/<capture>.jsonl each",
            "  tapflow classify --read testdata/pcap/* --truth testdata/ndpi-truth.csv agreement with nDPI per protocol"})
public final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--read", arity = "1..*", paramLabel = "FILE", required = true, description = "pcap or pcapng files.")
    List<Path> files;

    @Option(names = "--output", paramLabel = "KIND", defaultValue = "jsonl", description = "jsonl (default) or none.")
    String output;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Write DIR/<capture file name>.jsonl instead of stdout.")
    Path outDir;

    @Option(names = "--truth", paramLabel = "CSV", description = "nDPI truth (testdata/ndpi-truth.csv): print agreement per protocol to stderr.")
    Path truth;

    @Option(names = "--host-rules", paramLabel = "FILE",
            description = "Host/SNI rules to use instead of the bundled ones (format: schemas/.../dpi/host-rules.v1.txt).")
    Path hostRules;

    @Option(names = "--protocols", paramLabel = "FILE",
            description = "Protocol catalog (categories, ports) instead of the bundled one (format: schemas/.../dpi/protocols.v1.txt).")
    Path protocols;

    @Option(names = "--config", paramLabel = "YAML", description = "Agent configuration: its pattern section (engine, signatures) applies here.")
    Path configFile;

    @Option(names = "--matcher", paramLabel = "ENGINE", description = "Pattern engine: aho-corasick (default), hyperscan, none.")
    String matcher;

    @Option(names = "--signatures", paramLabel = "FILE",
            description = "Signature file instead of the bundled one (format: schemas/.../dpi/signatures.v1.txt).")
    String signatures;
    @Option(names = "--sample-packets", paramLabel = "N", defaultValue = "" + ClassifyRun.PACKETS,
            description = "Payload packets per direction fed to the classifier, as an agent's sampler would keep them (1-"
                    + MeterSettings.MAX_SAMPLES_PER_DIRECTION + ", default: ${DEFAULT-VALUE}).")
    int samplePackets;

    @Option(names = "--sample-bytes", paramLabel = "B", defaultValue = "" + ClassifyRun.BYTES,
            description = "Bytes of each payload packet fed to the classifier (default: ${DEFAULT-VALUE}).")
    int sampleBytes;

    @Option(names = "--no-port-guess", description = "Leave flows without payload Unknown instead of guessing from the server port.")
    boolean noPortGuess;

    private final PrintStream err;

    public ClassifyCommand() {
        this(System.err);
    }

    ClassifyCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        if (!output.equals("jsonl") && !output.equals("none")) {
            err.println("tapflow classify: --output must be jsonl or none: " + output);
            return 2;
        }
        if (samplePackets < 1 || samplePackets > MeterSettings.MAX_SAMPLES_PER_DIRECTION || sampleBytes < 1) {
            err.println("tapflow classify: --sample-packets must be 1-" + MeterSettings.MAX_SAMPLES_PER_DIRECTION
                    + " and --sample-bytes at least 1: " + samplePackets + ", " + sampleBytes);
            return 2;
        }
        ClassifierEngine engine;
        PatternMatcher patterns;
        try {
            AgentConfig config = AgentConfig.load(configFile);
            if (matcher != null) {
                config.pattern.engine = matcher;
            }
            if (signatures != null) {
                config.pattern.signatures = signatures;
            }
            AgentConfig.Concluded concluded = config.conclude();
            HostRules hosts = hostRules == null ? HostRules.defaults()
                    : HostRules.load(Files.newInputStream(hostRules), hostRules.toString());
            ProtocolCatalog catalog = protocols == null ? ProtocolCatalog.defaults()
                    : ProtocolCatalog.load(Files.newInputStream(protocols), protocols.toString());
            engine = new ClassifierEngine(Dissectors.all(), hosts, catalog, !noPortGuess, concluded.signatures());
            patterns = concluded.openMatcher(m -> err.println("tapflow classify: " + m));
        } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
            err.println("tapflow classify: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("tapflow classify: cannot read rules: " + e);
            return 2;
        }
        try (PatternMatcher closing = patterns) {
            return classify(engine, patterns);
        }
    }

    private int classify(ClassifierEngine engine, PatternMatcher patterns) throws IOException {
        Map<String, List<Map<String, String>>> truthRows = truth == null ? null : TruthScore.loadTruth(truth);
        TruthScore score = new TruthScore();
        if (outDir != null) {
            Files.createDirectories(outDir);
        }
        Writer stdout = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        int status = 0;
        long flows = 0;
        long start = System.nanoTime();
        for (Path file : files) {
            Writer out = output.equals("none") ? null : outDir != null
                    ? Files.newBufferedWriter(outDir.resolve(file.getFileName() + ".jsonl"), StandardCharsets.UTF_8) : stdout;
            ClassifyRun.Result r = ClassifyRun.run(file, engine, patterns, out, samplePackets, sampleBytes);
            if (outDir != null && out != null) {
                out.close();
            }
            flows += r.flows().size();
            if (!r.replay().ok()) {
                status = 1;
            }
            if (truthRows != null && truthRows.containsKey(file.getFileName().toString())) {
                score.add(truthRows.get(file.getFileName().toString()), r.flows());
            }
        }
        stdout.flush();
        double secs = (System.nanoTime() - start) / 1e9;
        err.printf("tapflow classify: %d capture(s), %d flow records in %.2f s, pattern matcher %s%n", files.size(), flows, secs,
                patterns == null ? "none" : patterns.engine().configName());
        if (truthRows != null) {
            score.print(err, 40);
        }
        return status;
    }
}
