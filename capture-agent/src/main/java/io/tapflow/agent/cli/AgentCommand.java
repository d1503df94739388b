package io.tapflow.agent.cli;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.config.AgentConfig;
import io.tapflow.agent.config.ConfigException;
import io.tapflow.agent.decode.MalformedReason;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterCounters;
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
            "Reads frames, decodes L2-L4 (VLAN, MPLS, PPPoE, tunnels, fragments), keeps a bounded bidirectional flow table",
            "on capture time, and publishes to Kafka, JSON Lines, or nowhere.",
            "",
            "Examples:",
            "  tapflow agent --read trace.pcap --output jsonl             one JSON object per flow on stdout",
            "  tapflow agent --read a.pcap b.pcapng --kafka broker:9092   Avro records to Kafka",
            "  tapflow agent --config agent.yaml --read trace.pcap --replay-speed 1   real-time replay",
            "",
            "Exit status: 0 all input read, 1 a capture was corrupt or truncated (flows read before it are still",
            "exported), 2 bad usage or configuration, 3 records were dropped or failed on the way to Kafka."},
        footer = {"", "Settings come from the defaults, then --config, then these options. Every config key: capture-agent/agent.example.yaml."})
public final class AgentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

    @Option(names = "--read", arity = "1..*", paramLabel = "FILE", required = true,
            description = "pcap or pcapng files, read one after the other as one capture of the link (format from the magic number).")
    List<Path> files;

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

    @Option(names = "--link-id", description = "The metered link's id (default: the first file's name).")
    String linkId;

    @Option(names = "--replay-speed", paramLabel = "X", description = "0 = as fast as possible (default), 1 = real time, 10 = ten times faster.")
    Double replaySpeed;

    @Option(names = "--flow-capacity", paramLabel = "N", description = "Flows the table holds (preallocated, ~120 bytes each; default 262144).")
    Integer capacity;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "End a flow after this long without packets (default 30s).")
    String idleTimeout;

    @Option(names = "--active-timeout", paramLabel = "DURATION", description = "Export long flows in slices of this length (default 120s).")
    String activeTimeout;

    @Option(names = "--sample-packets", paramLabel = "K", description = "Payload-bearing packets sampled per flow direction (default 4; 0 = off).")
    Integer samplePackets;

    @Option(names = "--sample-bytes", paramLabel = "N", description = "Bytes kept of each sampled payload (default 256; 0 = off).")
    Integer sampleBytes;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics on this port (default off).")
    Integer metricsPort;

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
        String link = raw.linkId.isBlank() ? defaultLinkId(files.get(0)) : raw.linkId;
        AgentIdentity identity = new AgentIdentity(raw.agentId, link, System.currentTimeMillis());
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
        AgentRunner.Result result;
        try {
            result = AgentRunner.run(config, identity, files, stop::get);
            printSummary(result, raw.output);
        } catch (IOException | RuntimeException e) {
            err.println("tapflow agent: cannot open the " + raw.output.name().toLowerCase() + " output: " + e.getMessage());
            return 2;
        } finally {
            done.countDown(); // only now may a shutdown hook let the JVM exit: flows are flushed, the summary printed
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        FlowSink.SinkCounters c = result.sink();
        if (!result.replay().ok()) {
            return 1;
        }
        return raw.output == AgentConfig.Output.KAFKA && (c.dropped() > 0 || c.failed() > 0) ? 3 : 0;
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
        return c;
    }

    private static String defaultLinkId(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private void printSummary(AgentRunner.Result run, AgentConfig.Output output) {
        AgentIdentity id = run.identity();
        Meter meter = run.meter();
        FlowSink.SinkCounters sinkCounters = run.sink();
        CaptureReplay.Result result = run.replay();
        MeterCounters c = meter.counters();
        StringBuilder malformed = new StringBuilder();
        for (MalformedReason r : MalformedReason.values()) {
            long n = c.malformed[r.ordinal()];
            if (n > 0) {
                malformed.append(malformed.isEmpty() ? "" : ", ").append(r.label()).append('=').append(n);
            }
        }
        err.printf("tapflow agent %s link %s: %d frames, %d bytes; %d flows created, %d records exported, %d evicted; "
                        + "%d payload samples; skipped: %d not IP, %d malformed%s; %d later fragments without a first%n",
                id.agentId(), id.linkId(), c.packets, c.bytes, meter.table().created(), c.flowsExported, meter.table().evicted(),
                c.samples, c.notIp, c.malformedTotal(), malformed.isEmpty() ? "" : " (" + malformed + ")", meter.fragmentsUnmatched());
        if (output == AgentConfig.Output.KAFKA) {
            err.printf("tapflow agent: kafka %d records sent, %d failed, %d dropped (outbox full)%n",
                    sinkCounters.sent(), sinkCounters.failed(), sinkCounters.dropped());
        }
        if (!result.errors().isEmpty()) {
            err.printf("tapflow agent: %d capture file(s) could not be read to the end (error above); the flows read before "
                    + "the bad point were exported%n", result.errors().size());
        }
    }
}
