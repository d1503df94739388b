package io.tapflow.agent.cli;

import io.tapflow.agent.bench.CapturePayloads;
import io.tapflow.agent.bench.CaptureLists;
import io.tapflow.agent.bench.ClassifyBenchmark;
import io.tapflow.agent.bench.LossBenchmark;
import io.tapflow.agent.bench.MatchBenchmark;
import io.tapflow.agent.bench.MeterBenchmark;
import io.tapflow.agent.bench.MeterFloorBenchmark;
import io.tapflow.agent.bench.NdpiReaderPeer;
import io.tapflow.agent.bench.TraceGenerator;
import io.tapflow.agent.bench.TraceGenerator.FrameSize;
import io.tapflow.agent.bench.TraceGenerator.Popularity;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.match.MatcherEngine;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.match.Signature;
import io.tapflow.classifier.match.SignatureSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Benchmarks that print figures; targets live here, never in timed unit tests. */
@Command(name = "bench", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Benchmarks that print figures.",
            "  tapflow bench gen --out trace.pcap --packets 10000000 --flows 1000000",
            "  tapflow bench meter trace.pcap                     read+decode+flow table on one thread, in Mpps",
            "  tapflow bench meter trace.pcap --kafka 127.0.0.1:9092   the same with export to Kafka (see tapflow broker)",
            "  tapflow bench meter trace.pcap --matcher aho-corasick    the same with the pattern matcher over payload samples",
            "  tapflow bench floor trace.pcap                     the meter beside the least work per frame in Java and in C",
            "  tapflow bench match --engine both                  pattern engines over the bundled captures' payloads, GB/s per core",
            "  sudo tapflow bench loss                            live capture loss vs rate through a veth pair",
            "  tapflow bench classify testdata/pcap --peer        classification flows/s per core, beside ndpiReader",
            "Run by ./tapflow with the local stack's servers:",
            "  tapflow bench pipeline --records 1000000           Kafka -> aggregation job -> ClickHouse, records/s and latency",
            "  tapflow bench costs                                CPU per record of Kafka and the ClickHouse insert: the ceiling",
            "  tapflow bench detect                               detectors' recall, precision, delay over labelled injected attacks"},
        subcommands = {BenchCommand.Gen.class, BenchCommand.Meter.class, BenchCommand.Floor.class, BenchCommand.Match.class, BenchCommand.Loss.class,
            BenchCommand.Classify.class})
public final class BenchCommand {

    @Command(name = "gen", mixinStandardHelpOptions = true, usageHelpWidth = 120,
            description = "Writes a deterministic synthetic trace (classic pcap, Ethernet): the same options and seed give the same bytes.")
    static final class Gen implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the pcap.")
        Path out;

        @Option(names = "--packets", defaultValue = "10000000", description = "Frames to write (default ${DEFAULT-VALUE}).")
        long packets;

        @Option(names = "--flows", defaultValue = "1000000", description = "Distinct flows (default ${DEFAULT-VALUE}).")
        int flows;

        @Option(names = "--popularity", defaultValue = "zipf", description = "zipf or uniform (default ${DEFAULT-VALUE}).")
        String popularity;

        @Option(names = "--zipf-exponent", defaultValue = "1.0", description = "Zipf exponent s (default ${DEFAULT-VALUE}).")
        double zipf;

        @Option(names = "--frames", defaultValue = "64", description = "64 (64-byte frames) or imix (7:4:1 of 64/576/1500) (default ${DEFAULT-VALUE}).")
        String frames;

        @Option(names = "--tcp-share", defaultValue = "0.8", description = "Share of TCP flows; the rest UDP (default ${DEFAULT-VALUE}).")
        double tcp;

        @Option(names = "--ipv6-share", defaultValue = "0.1", description = "Share of IPv6 flows (default ${DEFAULT-VALUE}).")
        double ipv6;

        @Option(names = "--vlan-share", defaultValue = "0.1", description = "Share of 802.1Q-tagged flows (default ${DEFAULT-VALUE}).")
        double vlan;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws IOException {
            Popularity p = switch (popularity.toLowerCase()) {
                case "zipf" -> Popularity.ZIPF;
                case "uniform" -> Popularity.UNIFORM;
                default -> throw new IllegalArgumentException("--popularity must be zipf or uniform: " + popularity);
            };
            FrameSize f = switch (frames.toLowerCase()) {
                case "64" -> FrameSize.FIXED_64;
                case "imix" -> FrameSize.IMIX;
                default -> throw new IllegalArgumentException("--frames must be 64 or imix: " + frames);
            };
            var spec = TraceGenerator.TraceSpec.of(packets, flows).withPopularity(p, zipf).withFrameSize(f)
                    .withShares(tcp, ipv6, vlan).withSeed(seed);
            System.out.println(TraceGenerator.generate(spec, out).summary());
            return 0;
        }
    }

    @Command(name = "meter", mixinStandardHelpOptions = true, usageHelpWidth = 120,
            description = {"Meters a capture on one thread (read + decode + flow table, no export unless --kafka) and prints N.NN Mpps.",
                "Run it on a page-cached file: the first run warms the cache. JVM flags: TAPFLOW_JAVA_OPTS."})
    static final class Meter implements Callable<Integer> {
        @Parameters(paramLabel = "TRACE", description = "pcap or pcapng file.")
        Path trace;

        @Option(names = "--flow-capacity", defaultValue = "0", description = "Flow table capacity; 0 = 2^21 (default).")
        int capacity;

        @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured runs first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--runs", defaultValue = "3", description = "Measured runs; best and median are printed (default ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Also export every flow record to this broker (payload sampling on).")
        String kafka;

        @Option(names = "--matcher", paramLabel = "ENGINE", defaultValue = "none",
                description = "Pattern engine over every payload sample: none (default), aho-corasick, hyperscan.")
        String matcher;

        @Override
        public Integer call() {
            MatcherEngine engine = MatcherEngine.parse(matcher);
            if (kafka != null) {
                if (engine != MatcherEngine.NONE) {
                    throw new IllegalArgumentException("--matcher and --kafka: measure one at a time");
                }
                MeterBenchmark.withKafka(kafka, trace, capacity, warmup, runs, System.out);
                return 0;
            }
            try (PatternMatcher m = engine == MatcherEngine.NONE ? null : engine.compile(SignatureSet.defaults())) {
                MeterBenchmark.run(trace, capacity, warmup, runs, m, System.out);
            }
            return 0;
        }
    }

    @Command(name = "floor", mixinStandardHelpOptions = true, usageHelpWidth = 120,
            description = {"The meter beside two floors on one trace, in one sitting: the same loop with the least work per frame",
                "(5-tuple, bidirectional table of the meter's memory shape, no validation, timeouts or sampling), once in Java",
                "and once in C (compiled here with $CC or cc, -O2 -march=native; skipped without a compiler). A rate above the",
                "Java floor is beyond any Java meter on this machine. Input: a little-endian Ethernet pcap (tapflow bench gen).",
                "JVM flags: TAPFLOW_JAVA_OPTS."})
    static final class Floor implements Callable<Integer> {
        @Parameters(paramLabel = "TRACE", description = "Little-endian Ethernet pcap, e.g. from tapflow bench gen.")
        Path trace;

        @Option(names = "--flow-capacity", defaultValue = "2097152", description = "Table capacity of all three, rounded up to a power of two (default ${DEFAULT-VALUE}).")
        int capacity;

        @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured runs first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--runs", defaultValue = "5", description = "Measured runs of each; best and median are printed (default ${DEFAULT-VALUE}).")
        int runs;

        @Override
        public Integer call() {
            MeterFloorBenchmark.run(trace, MeterBenchmark.capacityFor(capacity), warmup, runs, System.out);
            return 0;
        }
    }

    @Command(name = "match", mixinStandardHelpOptions = true, usageHelpWidth = 120,
            description = {"Pattern engines on one thread over real payloads: the L4 payload of every payload-bearing packet of the",
                "captures, one scan per payload with the whole signature set, repeated; prints GB/s of payload per core (thread",
                "CPU time) and matches/s. Default captures: the bundled testdata/pcap/*. JVM flags: TAPFLOW_JAVA_OPTS."})
    static final class Match implements Callable<Integer> {
        @Option(names = "--read", arity = "1..*", paramLabel = "FILE", description = "Captures whose payloads to scan (default: testdata/pcap/*).")
        List<Path> files;

        @Option(names = "--engine", defaultValue = "both", description = "aho-corasick, hyperscan or both (default ${DEFAULT-VALUE}).")
        String engine;

        @Option(names = "--seconds", defaultValue = "5", description = "Measured CPU seconds per engine, after a warm-up of half that (default ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--signatures", paramLabel = "FILE", description = "Signature file (default: the bundled signatures.v1.txt).")
        Path signatures;

        @Option(names = "--anywhere", description = "Stress: let every signature match anywhere (no fixed offsets), so every byte goes through the automaton.")
        boolean anywhere;

        @Override
        public Integer call() throws IOException {
            List<MatcherEngine> engines = engine.equalsIgnoreCase("both") ? List.of(MatcherEngine.AHO_CORASICK, MatcherEngine.HYPERSCAN)
                    : List.of(MatcherEngine.parse(engine));
            if (engines.contains(MatcherEngine.NONE) || seconds <= 0) {
                throw new IllegalArgumentException("--engine must be aho-corasick, hyperscan or both, --seconds > 0");
            }
            List<Path> captures = files != null ? files : CaptureLists.bundled();
            SignatureSet set = signatures == null ? SignatureSet.defaults() : SignatureSet.load(signatures);
            if (anywhere) {
                set = SignatureSet.of(set.source() + " (every signature anywhere)", set.signatures().stream()
                        .map(s -> new Signature(s.id(), s.protocol(), s.l4proto(), Signature.ANYWHERE, s.nocase(), s.bytes())).toList());
            }
            CapturePayloads payloads = CapturePayloads.read(captures);
            System.out.printf(java.util.Locale.ROOT, "%d captures: %d payloads, %.1f MB (mean %.0f bytes); %d signatures from %s%n",
                    captures.size(), payloads.count(), payloads.bytes() / 1e6, (double) payloads.bytes() / payloads.count(),
                    set.size(), set.source());
            long matches = -1;
            for (MatcherEngine e : engines) {
                MatchBenchmark.Result r = MatchBenchmark.run(payloads, set, e, seconds / 2, seconds, System.out);
                if (matches >= 0 && r.matchesPerPass() != matches) {
                    System.out.println("engines disagree: " + matches + " and " + r.matchesPerPass() + " matches per pass");
                    return 1;
                }
                matches = r.matchesPerPass();
            }
            return 0;
        }
    }

    @Command(name = "classify", mixinStandardHelpOptions = true, usageHelpWidth = 120,
            description = {"Classification throughput on one thread over captures, as tapflow classify runs them, by thread CPU time:",
                "packets/s and flows/s of the whole path (read+decode+flow+classify) and flows/s of classification alone.",
                "With --peer, runs nDPI's ndpiReader over the same files (apt-get install libndpi-bin) and prints its own figures.",
                "Pin it for stable figures: taskset -c 1 tapflow bench classify ..."})
    static final class Classify implements Callable<Integer> {
        @Parameters(paramLabel = "CAPTURE", arity = "0..*",
                description = "pcap/pcapng files or directories of them (default: the bundled captures, testdata/pcap).")
        List<Path> captures;

        @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured passes first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--runs", defaultValue = "5", description = "Measured passes; the median is printed (default ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--peer", description = "Also run ndpiReader over the same files, the same number of measured passes.")
        boolean peer;

        @Override
        public Integer call() {
            // One replay log line per file per pass would bury the figures.
            System.setProperty("org.slf4j.simpleLogger.log.io.tapflow.agent.meter.CaptureReplay", "warn");
            List<Path> files = new ArrayList<>(captures == null ? CaptureLists.bundled() : CaptureLists.expand(captures));
            NdpiReaderPeer.Result ndpi = null;
            if (peer) { // first: the files ndpiReader cannot read are left out of both figures
                ndpi = NdpiReaderPeer.run(files, runs);
                files.removeAll(ndpi.unreadable());
            }
            ClassifyBenchmark.run(files, ClassifierEngine.defaults(), warmup, runs, System.out);
            if (ndpi != null) {
                System.out.println(ndpi.summary());
            }
            return 0;
        }
    }

    @Command(name = "loss", mixinStandardHelpOptions = true, usageHelpWidth = 120,
            description = {"Live capture loss against offered rate: sends synthetic frames through a veth pair at increasing rates",
                "and captures the other end; prints per source and thread count the loss per rate and the highest rate without loss.",
                "Needs root (veth, AF_PACKET). Sender and capture share this machine's CPUs."})
    static final class Loss implements Callable<Integer> {
        @Option(names = "--rates", split = ",", defaultValue = "50000,100000,200000,400000,800000",
                description = "Offered rates in frames per second (default ${DEFAULT-VALUE}).")
        List<Long> rates;

        @Option(names = "--frames", defaultValue = "both", description = "64, imix or both (default ${DEFAULT-VALUE}).")
        String frames;

        @Option(names = "--captures", split = ",", defaultValue = "afpacket:1,afpacket:2,pcap:1",
                description = "Sources and thread counts: afpacket:N, pcap:1, and the peers pmacctd:1, softflowd:1 (Debian packages) on the same veth (default ${DEFAULT-VALUE}).")
        List<String> captures;

        @Option(names = "--seconds", defaultValue = "2", description = "Seconds per rate step (default ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--ring-mb", defaultValue = "64", description = "Ring or libpcap buffer per thread, MiB (default ${DEFAULT-VALUE}).")
        int ringMb;

        @Option(names = "--sender", defaultValue = "tx-ring",
                description = "tx-ring (frames through a PACKET_TX_RING, one send() per chunk) or socket (one sendto() per frame) (default ${DEFAULT-VALUE}).")
        String sender;

        @Override
        public Integer call() throws Exception {
            List<FrameSize> sizes = switch (frames.toLowerCase()) {
                case "64" -> List.of(FrameSize.FIXED_64);
                case "imix" -> List.of(FrameSize.IMIX);
                case "both" -> List.of(FrameSize.FIXED_64, FrameSize.IMIX);
                default -> throw new IllegalArgumentException("--frames must be 64, imix or both: " + frames);
            };
            List<LossBenchmark.Capture> list = new ArrayList<>();
            for (String c : captures) {
                list.add(LossBenchmark.Capture.parse(c));
            }
            LossBenchmark.run(list, rates, sizes, seconds, ringMb, LossBenchmark.Sender.parse(sender), System.out);
            return 0;
        }
    }
}
