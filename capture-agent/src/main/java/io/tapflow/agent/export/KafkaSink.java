package io.tapflow.agent.export;

import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowKeys;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes flow records, payload samples and stats as Avro single-object messages; key = the flow's canonical key,
 * so a flow's records and samples share a partition.
 *
 * <p>The capture thread never blocks on Kafka: it encodes and hands the record to an outbox bounded to
 * {@code bufferRecords} records <em>not yet acknowledged by the broker</em> (queued here or in the producer). When the
 * broker is unreachable the agent keeps metering, the outbox fills up to the bound, and every record beyond it is
 * counted as dropped. A sender thread feeds the idempotent producer, retrying while the broker is away, so the
 * agent recovers by itself when it returns. Invariant, checked by the tests: accepted = sent + failed + still pending,
 * and offered = accepted + dropped.
 */
public final class KafkaSink implements FlowSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

    private final Producer<byte[], byte[]> producer;
    private final KafkaTopics topics;
    private final AvroRecords records;
    private final AvroCodec<FlowRecord> flowCodec = AvroCodec.of(FlowRecord.class);
    private final AvroCodec<PayloadSample> sampleCodec = AvroCodec.of(PayloadSample.class);
    private final AvroCodec<AgentStats> statsCodec = AvroCodec.of(AgentStats.class);
    private final byte[] statsKey;
    private final int bound;
    private final Duration closeTimeout;
    private final ArrayBlockingQueue<ProducerRecord<byte[], byte[]>> outbox;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lastFailureLog = new AtomicLong();
    private final Thread sender;
    private volatile boolean closing;
    private boolean inSend;                 // sender thread only: inside producer.send()
    private TimeoutException sendTimedOut;  // sender thread only: send() itself gave up on this record

    public record KafkaTopics(String flows, String payload, String stats) {
    }

    public KafkaSink(Map<String, Object> producerOverrides, String bootstrap, KafkaTopics topics, AgentIdentity identity,
                     int bufferRecords, Duration deliveryTimeout, Duration closeTimeout) {
        this(createProducer(producerOverrides, bootstrap, identity, deliveryTimeout), topics, identity, bufferRecords, closeTimeout);
    }

    KafkaSink(Producer<byte[], byte[]> producer, KafkaTopics topics, AgentIdentity identity, int bufferRecords, Duration closeTimeout) {
        this.producer = producer;
        this.topics = topics;
        this.records = new AvroRecords(identity);
        this.statsKey = identity.agentId().getBytes(StandardCharsets.UTF_8);
        this.bound = bufferRecords;
        this.closeTimeout = closeTimeout;
        this.outbox = new ArrayBlockingQueue<>(bufferRecords);
        this.sender = Thread.ofPlatform().name("kafka-sender").daemon().unstarted(this::sendLoop);
        sender.start();
    }

    static Producer<byte[], byte[]> createProducer(Map<String, Object> overrides, String bootstrap, AgentIdentity identity,
                                                   Duration deliveryTimeout) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tapflow-agent-" + identity.agentId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, deliveryTimeout.toMillis()));
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        p.putAll(overrides);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void flow(FlowTable table, int slot, EndReason reason) {
        FlowRecord r = records.flow(table, slot, reason);
        offer(new ProducerRecord<>(topics.flows(), FlowKeys.of(r), flowCodec.encode(r)));
    }

    @Override
    public void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                       long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
        PayloadSample s = records.sample(table, slot, direction, packetIndex, tsNs, data, payloadOffset, capturedBytes, payloadLength, signatures);
        offer(new ProducerRecord<>(topics.payload(), FlowKeys.of(s), sampleCodec.encode(s)));
    }

    @Override
    public void stats(AgentStats stats) {
        offer(new ProducerRecord<>(topics.stats(), statsKey, statsCodec.encode(stats)));
    }

    private void offer(ProducerRecord<byte[], byte[]> record) {
        if (closing) { // read once: a close() between two reads must not leave the increment behind
            dropped.incrementAndGet();
            return;
        }
        if (outstanding.incrementAndGet() > bound) {
            outstanding.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        if (!outbox.offer(record)) { // cannot happen while outstanding <= bound, kept as a guard
            outstanding.decrementAndGet();
            dropped.incrementAndGet();
        }
    }

    private void sendLoop() {
        ProducerRecord<byte[], byte[]> pending = null;
        long backoffMs = 50;
        while (true) {
            try {
                if (pending == null) {
                    pending = outbox.poll(100, TimeUnit.MILLISECONDS);
                    if (pending == null) {
                        if (closing) {
                            return;
                        }
                        continue;
                    }
                }
                sendTimedOut = null;
                inSend = true;
                try {
                    producer.send(pending, this::completed);
                } finally {
                    inSend = false;
                }
                if (sendTimedOut != null) {
                    throw sendTimedOut;
                }
                pending = null;
                backoffMs = 50;
            } catch (TimeoutException e) {
                // broker unreachable (no metadata) or producer buffer full: keep the record, wait, try again
                if (closing) {
                    return; // close() has stopped waiting for the broker: what is left counts as dropped
                }
                logFailure(e);
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (AuthenticationException | AuthorizationException e) {
                LOG.error("Kafka refused the agent ({}); records are dropped and counted until it is fixed", e.getMessage());
                outstanding.decrementAndGet();
                failed.incrementAndGet();
                pending = null;
                sleep(1_000);
            } catch (IllegalStateException e) {
                if (!closing) {
                    LOG.error("Kafka producer unusable ({}); records are buffered, then dropped and counted", e.getMessage());
                }
                return; // the producer was closed under a send still retrying, at the end of close()
            } catch (KafkaException e) {
                if (closing && e.getMessage() != null && e.getMessage().contains("closed")) {
                    return;
                }
                logFailure(e);
                outstanding.decrementAndGet();
                failed.incrementAndGet();
                pending = null;
            }
        }
    }

    /**
     * The producer's completion callback. {@code send()} does not throw when it cannot take a record in
     * {@code max.block.ms} (no metadata because the broker is away, or its buffer is full): it calls the callback at
     * once, on the calling thread, with a {@link TimeoutException} (an ApiException). That is not a delivery failure:
     * it is noted here and the send loop keeps the record and tries again.
     */
    private void completed(RecordMetadata metadata, Exception error) {
        if (error instanceof TimeoutException timeout && Thread.currentThread() == sender && inSend) {
            sendTimedOut = timeout;
            return;
        }
        outstanding.decrementAndGet();
        if (error == null) {
            sent.incrementAndGet();
        } else {
            failed.incrementAndGet();
            logFailure(error);
        }
    }

    /** One line per 10 s at most: a broker outage must not flood the log. */
    private void logFailure(Exception e) {
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last > 10_000_000_000L && lastFailureLog.compareAndSet(last, now)) {
            LOG.warn("Kafka not accepting records ({}: {}); buffering up to {} records, {} pending, {} dropped so far",
                    e.getClass().getSimpleName(), e.getMessage(), bound, outstanding.get(), dropped.get());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records accepted but not yet acknowledged or failed. */
    public int pending() {
        return outstanding.get();
    }

    @Override
    public SinkCounters counters() {
        return new SinkCounters(sent.get(), failed.get(), dropped.get());
    }

    /** Waits up to the close timeout for pending records; whatever is still pending then counts as dropped. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            sleep(20); // not producer.flush(): it would wait out the whole delivery timeout while the broker is away
        }
        closing = true;
        try {
            sender.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofMillis(500));
        try {
            sender.join(1_000); // a send still retrying ends once the producer is closed; then nothing moves any more
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = outstanding.getAndSet(0);
        if (left > 0) {
            dropped.addAndGet(left);
            LOG.error("Kafka: {} records still unacknowledged after waiting {}; counted as dropped", left, closeTimeout);
        }
    }
}
