package io.tapflow.agent.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.classifier.match.MatcherEngine;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.match.SignatureSet;
import io.tapflow.schema.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's configuration: defaults here, then a YAML file (keys in kebab-case, unknown keys rejected), then
 * command-line overrides, then {@link #conclude()} validates everything in one place before anything starts.
 * See {@code capture-agent/agent.example.yaml} for every key.
 */
public final class AgentConfig {
    public String agentId = defaultAgentId();
    public String linkId = "";
    public Output output = Output.KAFKA;
    public String jsonlPath = "-";
    public double replaySpeed = 0;
    public Flow flow = new Flow();
    public Sampling sampling = new Sampling();
    public Kafka kafka = new Kafka();
    public Metrics metrics = new Metrics();
    public Capture capture = new Capture();
    public Pattern pattern = new Pattern();

    public enum Output { KAFKA, JSONL, NONE;

        public static Output parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("output: must be kafka, jsonl or none: '" + text + "'");
            }
        }
    }

    /** Live capture: where and how; unused when reading files. */
    public static final class Capture {
        /** The interface to capture on; empty = read files (--read). */
        @com.fasterxml.jackson.annotation.JsonProperty("interface")
        public String networkInterface = "";
        public Source source = Source.AFPACKET;
        /** Capture threads, each with its own ring and flow table (afpacket fanout). */
        public int threads = 1;
        /** Kernel ring (afpacket) or libpcap buffer (pcap) per thread, in MiB. */
        public int ringMb = 64;
        /** tcpdump-syntax filter compiled by libpcap; empty = every frame. */
        public String filter = "";
        public boolean promiscuous = true;
    }

    public enum Source { AFPACKET, PCAP;

        public static Source parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("capture.source: must be afpacket or pcap: '" + text + "'");
            }
        }
    }

    /** Largest ring per thread: the kernel's ring request counts bytes in 32 bits. */
    public static final int MAX_RING_MB = 4095;
    public static final int MAX_THREADS = 64;

    public static final class Flow {
        public int capacity = 262_144;
        public String idleTimeout = "30s";
        public String activeTimeout = "120s";
        public String flushInterval = "10s";
        public String tcpCloseGrace = "2s";
        public int fragmentEntries = 65_536;
    }

    public static final class Sampling {
        public int packetsPerDirection = 4;
        public int bytes = 1500;
    }

    /** The pattern matcher run over every payload sample; its signature ids go on samples and flow records. */
    public static final class Pattern {
        /** none | aho-corasick (pure Java) | hyperscan (native; falls back to aho-corasick where it cannot load). */
        public String engine = MatcherEngine.AHO_CORASICK.configName();
        /** Signature file (format: schemas/.../dpi/signatures.v1.txt); empty = the bundled one. */
        public String signatures = "";
    }

    public static final class Kafka {
        public String bootstrap = "localhost:9092";
        public String flowsTopic = Topics.FLOWS;
        public String payloadTopic = Topics.PAYLOAD;
        public String statsTopic = Topics.AGENT_STATS;
        public int bufferRecords = 200_000;
        public String deliveryTimeout = "5m";
        public String closeTimeout = "30s";
        /** Passed to the Kafka producer as is (security, TLS, compression.type, ...). */
        public Map<String, Object> producer = new LinkedHashMap<>();
    }

    public static final class Metrics {
        /** Prometheus endpoint port; 0 = off. */
        public int port = 0;
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .setDefaultMergeable(true); // a section in the file updates the defaults (and environment), not replaces them

    /** Reads a YAML file over the defaults and the environment (see {@link #applyEnvironment}). */
    public static AgentConfig load(Path file) {
        return load(file, System.getenv());
    }

    public static AgentConfig load(Path file, Map<String, String> env) {
        AgentConfig config = new AgentConfig();
        config.applyEnvironment(env);
        if (file == null) {
            return config;
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException("config file " + file + " does not exist or is not readable");
        }
        try {
            return YAML.readerForUpdating(config).readValue(file.toFile());
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file + ": unknown key '" + e.getPropertyName() + "' at " + e.getPathReference()
                    + " (known: " + e.getKnownPropertyIds() + ")", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(file + ": " + e.getOriginalMessage() + " at " + e.getLocation(), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Environment variables as defaults (a config file and options override them), for containers:
     * TAPFLOW_INTERFACE, TAPFLOW_SOURCE, TAPFLOW_THREADS, TAPFLOW_RING_MB, TAPFLOW_FILTER, TAPFLOW_LINK_ID,
     * TAPFLOW_OUTPUT, TAPFLOW_KAFKA (bootstrap servers), TAPFLOW_METRICS_PORT, TAPFLOW_MATCHER (pattern.engine),
     * TAPFLOW_SIGNATURES (pattern.signatures) (and TAPFLOW_AGENT_ID, read above).
     */
    public void applyEnvironment(Map<String, String> env) {
        String v;
        if ((v = env.get("TAPFLOW_INTERFACE")) != null) {
            capture.networkInterface = v;
        }
        if ((v = env.get("TAPFLOW_SOURCE")) != null) {
            capture.source = Source.parse(v);
        }
        if ((v = env.get("TAPFLOW_THREADS")) != null) {
            capture.threads = envInt("TAPFLOW_THREADS", v);
        }
        if ((v = env.get("TAPFLOW_RING_MB")) != null) {
            capture.ringMb = envInt("TAPFLOW_RING_MB", v);
        }
        if ((v = env.get("TAPFLOW_FILTER")) != null) {
            capture.filter = v;
        }
        if ((v = env.get("TAPFLOW_LINK_ID")) != null) {
            linkId = v;
        }
        if ((v = env.get("TAPFLOW_OUTPUT")) != null) {
            output = Output.parse(v);
        }
        if ((v = env.get("TAPFLOW_KAFKA")) != null) {
            kafka.bootstrap = v;
        }
        if ((v = env.get("TAPFLOW_METRICS_PORT")) != null) {
            metrics.port = envInt("TAPFLOW_METRICS_PORT", v);
        }
        if ((v = env.get("TAPFLOW_MATCHER")) != null) {
            pattern.engine = v;
        }
        if ((v = env.get("TAPFLOW_SIGNATURES")) != null) {
            pattern.signatures = v;
        }
    }

    private static int envInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("environment variable " + name + ": must be an integer: '" + value + "'");
        }
    }

    /** Validated, derived settings; throws {@link ConfigException} naming the first bad key and value. */
    public Concluded conclude() {
        require(agentId != null && !agentId.isBlank(), "agent-id: must not be empty");
        require(linkId != null, "link-id: must not be null");
        require(replaySpeed >= 0, "replay-speed: must be >= 0 (0 = as fast as possible): " + replaySpeed);
        require(flow.capacity >= 1 && flow.capacity <= FlowTable.MAX_CAPACITY,
                "flow.capacity: must be between 1 and " + FlowTable.MAX_CAPACITY + ": " + flow.capacity);
        Duration idle = positive("flow.idle-timeout", flow.idleTimeout);
        Duration active = positive("flow.active-timeout", flow.activeTimeout);
        Duration flush = positive("flow.flush-interval", flow.flushInterval);
        Duration grace = Durations.parse("flow.tcp-close-grace", flow.tcpCloseGrace);
        require(active.compareTo(idle) >= 0, "flow.active-timeout (" + flow.activeTimeout + ") must not be shorter than flow.idle-timeout ("
                + flow.idleTimeout + ")");
        require(flush.compareTo(idle) <= 0, "flow.flush-interval (" + flow.flushInterval + ") must not be longer than flow.idle-timeout ("
                + flow.idleTimeout + ")");
        require(flow.fragmentEntries >= 16, "flow.fragment-entries: must be >= 16: " + flow.fragmentEntries);
        require(sampling.packetsPerDirection >= 0 && sampling.packetsPerDirection <= MeterSettings.MAX_SAMPLES_PER_DIRECTION,
                "sampling.packets-per-direction: must be between 0 and " + MeterSettings.MAX_SAMPLES_PER_DIRECTION + ": " + sampling.packetsPerDirection);
        require(sampling.bytes >= 0 && sampling.bytes <= 65_535, "sampling.bytes: must be between 0 and 65535: " + sampling.bytes);
        require(kafka.bufferRecords >= 1, "kafka.buffer-records: must be >= 1: " + kafka.bufferRecords);
        require(metrics.port >= 0 && metrics.port <= 65_535, "metrics.port: must be between 0 and 65535: " + metrics.port);
        Duration delivery = positive("kafka.delivery-timeout", kafka.deliveryTimeout);
        Duration close = Durations.parse("kafka.close-timeout", kafka.closeTimeout);
        if (output == Output.KAFKA) {
            require(kafka.bootstrap != null && kafka.bootstrap.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*"),
                    "kafka.bootstrap: must be host:port[,host:port...]: '" + kafka.bootstrap + "'");
            require(!kafka.flowsTopic.isBlank() && !kafka.payloadTopic.isBlank() && !kafka.statsTopic.isBlank(), "kafka topics must not be empty");
        }
        if (live()) {
            concludeCapture();
        }
        MeterSettings meter = new MeterSettings(flow.capacity, idle.toNanos(), active.toNanos(), flush.toNanos(), grace.toNanos(),
                sampling.packetsPerDirection, sampling.bytes, flow.fragmentEntries);
        MatcherEngine engine = matcherEngine();
        return new Concluded(this, meter, delivery, close, engine, engine == MatcherEngine.NONE ? null : signatureSet());
    }

    private MatcherEngine matcherEngine() {
        try {
            return MatcherEngine.parse(pattern.engine == null ? "" : pattern.engine);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("pattern.engine: must be none, aho-corasick or hyperscan: '" + pattern.engine + "'");
        }
    }

    /** The signature set, loaded here so that a bad file stops the agent before anything starts. */
    private SignatureSet signatureSet() {
        if (pattern.signatures == null || pattern.signatures.isBlank()) {
            return SignatureSet.defaults();
        }
        try {
            return SignatureSet.load(Path.of(pattern.signatures));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ConfigException("pattern.signatures: " + e.getMessage(), e);
        }
    }

    /** True when capturing on an interface rather than reading files. */
    public boolean live() {
        return capture.networkInterface != null && !capture.networkInterface.isBlank();
    }

    private void concludeCapture() {
        require(capture.source != null, "capture.source: must be afpacket or pcap");
        require(capture.threads >= 1 && capture.threads <= MAX_THREADS,
                "capture.threads: must be between 1 and " + MAX_THREADS + ": " + capture.threads);
        require(capture.source == Source.AFPACKET || capture.threads == 1,
                "capture.threads: the pcap source captures on one thread (only afpacket spreads flows over threads): " + capture.threads);
        require(capture.ringMb >= 1 && capture.ringMb <= MAX_RING_MB,
                "capture.ring-mb: must be between 1 and " + MAX_RING_MB + ": " + capture.ringMb);
        long ringsMb = (long) capture.threads * capture.ringMb;
        long limitMb = ringMemoryLimitMb();
        require(ringsMb <= limitMb, "capture.ring-mb: " + capture.threads + " ring(s) of " + capture.ringMb + " MiB = " + ringsMb
                + " MiB exceed the limit of " + limitMb + " MiB (half of MemAvailable): lower capture.ring-mb or capture.threads");
        if (capture.filter != null && !capture.filter.isBlank()) {
            try {
                io.tapflow.agent.source.live.BpfProgram.check(capture.filter);
            } catch (io.tapflow.agent.source.live.LiveCaptureException e) {
                throw new ConfigException("capture.filter: " + e.getMessage(), e);
            }
        }
    }

    /** Rings are pinned kernel memory: allow at most half of what the host has available now. */
    static long ringMemoryLimitMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024 / 2;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no limit we can read; the kernel or libpcap will refuse what it cannot give
        }
        return Long.MAX_VALUE;
    }

    /**
     * The configuration after validation, with parsed durations.
     *
     * @param signatures the loaded signature set, or null when {@code matcher} is {@link MatcherEngine#NONE}
     */
    public record Concluded(AgentConfig raw, MeterSettings meter, Duration kafkaDeliveryTimeout, Duration kafkaCloseTimeout,
                            MatcherEngine matcher, SignatureSet signatures) {
        /**
         * Compiles the signatures for the configured engine (null for none); when Hyperscan cannot load here, says
         * so through {@code warnings} and returns the Aho–Corasick engine instead.
         */
        public PatternMatcher openMatcher(java.util.function.Consumer<String> warnings) {
            return matcher.open(signatures, warnings);
        }
    }

    private static Duration positive(String key, String text) {
        Duration d = Durations.parse(key, text);
        require(!d.isZero(), key + ": must be positive: " + text);
        return d;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ConfigException(message);
        }
    }

    private static String defaultAgentId() {
        String env = System.getenv("TAPFLOW_AGENT_ID");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "agent";
        }
    }
}
