package io.tapflow.localstack.bench;

import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.FlowKeys;
import io.tapflow.schema.FlowRecord;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The Kafka ends of the benchmarks: a producer set up as the capture agent's, and a plain decoding consumer. */
final class KafkaBench {
    private KafkaBench() {
    }

    /** Same producer settings as the capture agent's KafkaSink. */
    static KafkaProducer<byte[], byte[]> agentProducer(String bootstrap) {
        return agentProducer(bootstrap, "lz4");
    }

    /** The capture agent's producer settings with another compression codec. */
    static KafkaProducer<byte[], byte[]> agentProducer(String bootstrap, String compression) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tapflow-bench");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "tapflow-bench-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Sends n generated records (Avro single-object, keyed by flow identity) and waits until all are acknowledged. */
    static void produce(KafkaProducer<byte[], byte[]> producer, String topic, FlowGenerator generator, long n)
            throws Exception {
        AvroCodec<FlowRecord> codec = AvroCodec.of(FlowRecord.class);
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (long i = 0; i < n && failure.get() == null; i++) {
            FlowRecord r = generator.next(System.currentTimeMillis());
            producer.send(new ProducerRecord<>(topic, FlowKeys.of(r), codec.encode(r)), (meta, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("Kafka refused a record: " + failure.get(), failure.get());
        }
    }

    /** Polls and decodes until n records are in or the timeout passes; returns how many were decoded. */
    static long consume(KafkaConsumer<byte[], byte[]> consumer, long n, Duration timeout) {
        AvroCodec<FlowRecord> codec = AvroCodec.of(FlowRecord.class);
        long deadline = System.nanoTime() + timeout.toNanos();
        long decoded = 0;
        long packets = 0; // read a field so the decode cannot be optimised away
        while (decoded < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                packets += codec.decode(r.value(), r.topic(), r.partition(), r.offset()).getPacketsFwd();
                decoded++;
            }
        }
        if (packets < 0) {
            throw new IllegalStateException("negative packet count");
        }
        return decoded;
    }
}
