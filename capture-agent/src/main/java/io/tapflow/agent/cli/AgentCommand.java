package io.tapflow.agent.cli;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.config.AgentConfig;
import io.tapflow.agent.config.ConfigException;
import io.tapflow.agent.decode.MalformedReason;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterCounters;
import io.tapflow.agent.source.live.LiveCaptureException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = {
            "Meters one link into flow records, payload samples and stats.",
            "Reads frames (capture files, or live from an interface), decodes L2-L4 (VLAN, MPLS, PPPoE, tunnels, fragments),",
            "keeps a bounded bidirectional flow table on capture time, and publishes to Kafka, JSON Lines, or nowhere.",
            "",
            "Examples:",
            "  tapflow agent --read trace.pcap --output jsonl             one JSON object per flow on stdout",
            "  tapflow agent --read a.pcap b.pcapng --kafka broker:9092   Avro records to Kafka",
            "  tapflow agent --config agent.yaml --read trace.pcap --replay-speed 1   real-time replay",
            "  tapflow agent --interface eth0 --threads 4 --kafka broker:9092   live: AF_PACKET ring, 4 capture threads",
            "  tapflow agent --interface eth0 --source pcap --filter 'tcp or udp' --output jsonl   live through libpcap",
            "",
            "Live capture needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode); it runs until SIGTERM/SIGINT, then",
            "flushes every flow of every capture thread.",
            "",
            "Exit status: 0 all input read, 1 a capture was corrupt or truncated (flows read before it are still",
            "exported) or a live capture thread failed, 2 bad usage or configuration, 3 records were dropped or failed on",
            "the way to Kafka; a live agent stopped by SIGTERM ends with the JVM's 143 after flushing."},
        footer = {"", "Settings come from the defaults, then --config, then these options. Every config key: capture-agent/agent.example.yaml."})
public final class AgentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

    @Option(names = "--read", arity = "1..*", paramLabel = "FILE",
            description = "pcap or pcapng files, read one after the other as one capture of the link (format from the magic number).")
    List<Path> files;

    @Option(names = {"--interface", "-i"}, paramLabel = "IF", description = "Capture live on this interface instead of reading files.")
    String networkInterface;

    @Option(names = "--source", paramLabel = "KIND", description = "Live source: afpacket (default; TPACKET_V3 ring, Linux) or pcap (libpcap).")
    String source;

    @Option(names = "--threads", paramLabel = "N", description = "Capture threads (afpacket: kernel fanout by flow hash; default 1).")
    Integer threads;

    @Option(names = "--ring-mb", paramLabel = "M", description = "Capture ring (afpacket) or libpcap buffer per thread, in MiB (default 64).")
    Integer ringMb;

    @Option(names = "--filter", paramLabel = "BPF", description = "tcpdump-syntax capture filter, compiled by libpcap (default: everything).")
    String filter;

    @Option(names = "--config", paramLabel = "YAML", description = "Configuration file (kebab-case keys).")
    Path configFile;

    @Option(names = "--output", paramLabel = "KIND", description = "kafka (default), jsonl, or none (meter only).")
    String output;

    @Option(names = "--jsonl-file", paramLabel = "FILE", description = "Where --output jsonl writes; - (default) is stdout.")
    String jsonlFile;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers (default localhost:9092).")
    String bootstrap;

    @Option(names = "--agent-id", description = "This agent's id (default: $TAPFLOW_AGENT_ID, else the host name).")
    String agentId;

    @Option(names = "--link-id", description = "The metered link's id (default: the interface, else the first file's name).")
    String linkId;

    @Option(names = "--replay-speed", paramLabel = "X", description = "0 = as fast as possible (default), 1 = real time, 10 = ten times faster.")
    Double replaySpeed;

    @Option(names = "--flow-capacity", paramLabel = "N", description = "Flows the table holds (preallocated, ~128 bytes each; default 262144).")
    Integer capacity;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "End a flow after this long without packets (default 30s).")
    String idleTimeout;

    @Option(names = "--active-timeout", paramLabel = "DURATION", description = "Export long flows in slices of this length (default 120s).")
    String activeTimeout;

    @Option(names = "--sample-packets", paramLabel = "K", description = "Payload-bearing packets sampled per flow direction (default 4; 0 = off).")
    Integer samplePackets;

    @Option(names = "--sample-bytes", paramLabel = "N", description = "Bytes kept of each sampled payload (default 1500: a whole ClientHello segment or QUIC Initial; 0 = off).")
    Integer sampleBytes;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics on this port (default off).")
    Integer metricsPort;

    @Option(names = "--matcher", paramLabel = "ENGINE",
            description = "Pattern engine over payload samples: aho-corasick (default), hyperscan (falls back to aho-corasick where its native library cannot load), none.")
    String matcher;

    @Option(names = "--signatures", paramLabel = "FILE",
            description = "Signature file instead of the bundled one (format: schemas/.../dpi/signatures.v1.txt).")
    String signatures;

    private final PrintStream err;

    public AgentCommand() {
        this(System.err);
    }

    AgentCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() {
        AgentConfig.Concluded config;
        try {
            config = configure().conclude();
        } catch (ConfigException e) {
            err.println("tapflow agent: " + e.getMessage());
            return 2;
        }
        AgentConfig raw = config.raw();
        boolean haveFiles = files != null && !files.isEmpty();
        if (haveFiles == raw.live()) {
            err.println("tapflow agent: " + (haveFiles
                    ? "--read and --interface (capture.interface, $TAPFLOW_INTERFACE: '" + raw.capture.networkInterface
                    + "') exclude each other: read files or capture live"
                    : "nothing to meter: give --read FILE... or --interface IF"));
            return 2;
        }
        String link = !raw.linkId.isBlank() ? raw.linkId : raw.live() ? raw.capture.networkInterface : defaultLinkId(files.get(0));
        AgentIdentity identity = new AgentIdentity(raw.agentId, link, System.currentTimeMillis(),
                raw.live() ? raw.capture.networkInterface : "");
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true); // SIGTERM/SIGINT: stop reading, flush every flow, then let the JVM exit
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (raw.live()) {
            try {
                return live(config, identity, stop);
            } finally {
                done.countDown();
                removeHook(hook);
            }
        }
        AgentRunner.Result result;
        try {
            result = AgentRunner.run(config, identity, files, stop::get);
            printSummary(result, raw.output);
        } catch (ConfigException e) {
            err.println("tapflow agent: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("tapflow agent: cannot open the " + raw.output.name().toLowerCase() + " output: " + e.getMessage());
            return 2;
        } finally {
            done.countDown(); // only now may a shutdown hook let the JVM exit: flows are flushed, the summary printed
        }
        removeHook(hook);
        FlowSink.SinkCounters c = result.sink();
        if (!result.replay().ok()) {
            return 1;
        }
        return raw.output == AgentConfig.Output.KAFKA && (c.dropped() > 0 || c.failed() > 0) ? 3 : 0;
    }

    private int live(AgentConfig.Concluded config, AgentIdentity identity, AtomicBoolean stop) {
        AgentConfig raw = config.raw();
        AgentRunner.LiveResult result;
        try {
            result = AgentRunner.runLive(config, identity, stop::get);
        } catch (LiveCaptureException | ConfigException e) {
            err.println("tapflow agent: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("tapflow agent: cannot open the " + raw.output.name().toLowerCase() + " output: " + e.getMessage());
            return 2;
        }
        MeterCounters c = new MeterCounters();
        long created = 0;
        long evicted = 0;
        long unmatched = 0;
        for (Meter m : result.meters()) {
            c.add(m.counters());
            created += m.table().created();
            evicted += m.table().evicted();
            unmatched += m.fragmentsUnmatched();
        }
        printCounters(identity, c, created, evicted, unmatched);
        err.printf("tapflow agent: live capture on %s: %d capture thread(s), %d frames dropped by the kernel ring%n",
                raw.capture.networkInterface, result.meters().size(), result.capture().drops());
        printKafka(result.sink(), raw.output);
        if (!result.capture().ok()) {
            result.capture().errors().forEach(e -> err.println("tapflow agent: capture failed: " + e));
            return 1;
        }
        FlowSink.SinkCounters k = result.sink();
        return raw.output == AgentConfig.Output.KAFKA && (k.dropped() > 0 || k.failed() > 0) ? 3 : 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    AgentConfig configure() {
        AgentConfig c = AgentConfig.load(configFile);
        if (output != null) {
            c.output = AgentConfig.Output.parse(output);
        }
        if (jsonlFile != null) {
            c.jsonlPath = jsonlFile;
        }
        if (bootstrap != null) {
            c.kafka.bootstrap = bootstrap;
        }
        if (agentId != null) {
            c.agentId = agentId;
        }
        if (linkId != null) {
            c.linkId = linkId;
        }
        if (replaySpeed != null) {
            c.replaySpeed = replaySpeed;
        }
        if (capacity != null) {
            c.flow.capacity = capacity;
        }
        if (idleTimeout != null) {
            c.flow.idleTimeout = idleTimeout;
        }
        if (activeTimeout != null) {
            c.flow.activeTimeout = activeTimeout;
        }
        if (samplePackets != null) {
            c.sampling.packetsPerDirection = samplePackets;
        }
        if (sampleBytes != null) {
            c.sampling.bytes = sampleBytes;
        }
        if (metricsPort != null) {
            c.metrics.port = metricsPort;
        }
        if (matcher != null) {
            c.pattern.engine = matcher;
        }
        if (signatures != null) {
            c.pattern.signatures = signatures;
        }
        if (networkInterface != null) {
            c.capture.networkInterface = networkInterface;
        }
        if (source != null) {
            c.capture.source = AgentConfig.Source.parse(source);
        }
        if (threads != null) {
            c.capture.threads = threads;
        }
        if (ringMb != null) {
            c.capture.ringMb = ringMb;
        }
        if (filter != null) {
            c.capture.filter = filter;
        }
        return c;
    }

    private static String defaultLinkId(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private void printCounters(AgentIdentity id, MeterCounters c, long created, long evicted, long fragmentsUnmatched) {
        StringBuilder malformed = new StringBuilder();
        for (MalformedReason r : MalformedReason.values()) {
            long n = c.malformed[r.ordinal()];
            if (n > 0) {
                malformed.append(malformed.isEmpty() ? "" : ", ").append(r.label()).append('=').append(n);
            }
        }
        err.printf("tapflow agent %s link %s: %d frames, %d bytes; %d flows created, %d records exported, %d evicted; "
                        + "%d payload samples (%d matched signatures, %d ids beyond a flow's %d); skipped: %d not IP, "
                        + "%d malformed%s; %d later fragments without a first%n",
                id.agentId(), id.linkId(), c.packets, c.bytes, created, c.flowsExported, evicted,
                c.samples, c.samplesMatched, c.signatureIdsDropped, FlowTable.SIGNATURES_PER_FLOW, c.notIp, c.malformedTotal(), malformed.isEmpty() ? "" : " (" + malformed + ")", fragmentsUnmatched);
    }

    private void printKafka(FlowSink.SinkCounters sinkCounters, AgentConfig.Output output) {
        if (output == AgentConfig.Output.KAFKA) {
            err.printf("tapflow agent: kafka %d records sent, %d failed, %d dropped (outbox full)%n",
                    sinkCounters.sent(), sinkCounters.failed(), sinkCounters.dropped());
        }
    }

    private void printSummary(AgentRunner.Result run, AgentConfig.Output output) {
        Meter meter = run.meter();
        CaptureReplay.Result result = run.replay();
        printCounters(run.identity(), meter.counters(), meter.table().created(), meter.table().evicted(), meter.fragmentsUnmatched());
        printKafka(run.sink(), output);
        if (!result.errors().isEmpty()) {
            err.printf("tapflow agent: %d capture file(s) could not be read to the end (error above); the flows read before "
                    + "the bad point were exported%n", result.errors().size());
        }
    }
}
