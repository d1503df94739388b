package io.tapflow.jobs.sink;

import io.tapflow.schema.Alert;
import io.tapflow.schema.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An {@link Alert} → the alerts topic, Avro single-object encoded like every other topic. Keyed by detector, link and
 * subject ({@code port_scan/synscan/172.16.0.8}), so an episode's OPEN and CLOSED records, and a subject's later
 * episodes, land in one partition in the order they were raised. The Kafka timestamp is when the alert is
 * published, not its event time (in the record): alerts from old traffic (a replayed capture) would otherwise be
 * older than the topic's retention and be deleted by the broker at its next retention check.
 */
public final class AlertSerializer implements KafkaRecordSerializationSchema<Alert> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private transient AvroCodec<Alert> codec;

    public AlertSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Alert a, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = AvroCodec.of(Alert.class);
        }
        return new ProducerRecord<>(topic, null, null, key(a), codec.encode(a));
    }

    static byte[] key(Alert a) {
        return (a.getDetector() + "/" + a.getLinkId() + "/" + a.getSubject()).getBytes(StandardCharsets.UTF_8);
    }
}
