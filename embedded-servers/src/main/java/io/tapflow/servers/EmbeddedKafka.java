package io.tapflow.servers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft Kafka (combined broker + controller, node.id 1) running in the test JVM, on loopback ports
 * picked when the object is built: {@link #bootstrap()} is known before {@link #start()}, so a client can be pointed at
 * a broker that is not there yet. {@link #stop()} keeps the log dir and {@link #restart()} comes back on the same
 * ports with the same data, which is what a client sees when its broker goes away and returns.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
 *     kafka.createTopic("flows.v1", 3);
 *     ... new KafkaSink(Map.of(), kafka.bootstrap(), ...) ...
 *     List<ConsumerRecord<byte[], byte[]>> got = kafka.consumeAll("flows.v1", n, Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final int NODE_ID = 1;

    private final Path dir;
    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final String clusterId = Uuid.randomUuid().toString();
    private KafkaRaftServer server;
    private boolean formatted;

    public EmbeddedKafka() {
        this(0);
    }

    /** @param brokerPort the PLAINTEXT port on 127.0.0.1; 0 picks a free one */
    public EmbeddedKafka(int brokerPort) {
        int[] ports = LoopbackPorts.free(2);
        this.brokerPort = brokerPort > 0 ? brokerPort : ports[0];
        this.controllerPort = ports[1] == brokerPort ? ports[0] : ports[1];
        this.dir = FileTrees.createTempDir("embedded-kafka-");
        this.logDir = dir.resolve("logs");
    }

    /** The PLAINTEXT listener, valid even before {@link #start()} and across restarts. */
    public String bootstrap() {
        return "127.0.0.1:" + brokerPort;
    }

    public boolean running() {
        return server != null;
    }

    /** Formats the log dir on first start (KRaft needs it) and starts broker and controller; returns once serving. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("broker already running on " + bootstrap());
        }
        Properties props = brokerProperties();
        if (!formatted) {
            format(props);
            formatted = true;
        }
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            s.shutdown();
            s.awaitShutdown();
            throw e;
        }
        server = s;
        awaitReady(Duration.ofSeconds(30));
        return this;
    }

    /** Shuts the broker down and waits for it; the log dir (topics, offsets, producer state) stays for a restart. */
    public synchronized void stop() {
        KafkaRaftServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        s.shutdown();
        s.awaitShutdown();
    }

    /** {@link #stop()} then {@link #start()} on the same ports and log dir. */
    public EmbeddedKafka restart() {
        stop();
        return start();
    }

    /** Stops the broker if it runs and deletes the temp dir, whatever state the broker is in. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }

    public void createTopic(String name, int partitions) {
        KafkaTopics.create(bootstrap(), name, partitions);
    }

    /**
     * Reads {@code topic} from the beginning of every partition until at least {@code expectedCount} records arrived
     * and every partition is read to its end offset, or until the timeout; returns what was read, so a test can
     * assert on the count (surplus records, such as duplicates, are returned too).
     */
    public List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic, int expectedCount, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = KafkaTopics.partitions(consumer, topic, deadline);
            if (partitions.isEmpty()) {
                return out;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = Map.of();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
                if (out.size() < expectedCount) {
                    continue;
                }
                if (end.isEmpty()) {
                    end = consumer.endOffsets(partitions, Duration.ofSeconds(5));
                }
                if (readTo(consumer, end)) {
                    break;
                }
            }
        }
        return out;
    }

    /** Records in the topic now: end offsets minus start offsets over its partitions (0 if it does not exist). */
    public long recordCount(String topic) {
        return KafkaTopics.recordCount(bootstrap(), topic);
    }

    private static boolean readTo(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(5)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "3");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        return p;
    }

    private void format(Properties props) {
        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(w, "embedded KRaft broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"}, out);
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format of " + logDir + " failed (exit " + rc + "): "
                    + log.toString(StandardCharsets.UTF_8));
        }
    }

    /** Startup returns before the broker has registered and caught up with the metadata log: wait for it to serve. */
    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5_000, CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for the broker", e);
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("broker on " + bootstrap() + " not serving after " + timeout, last);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
