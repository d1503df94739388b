package io.tapflow.jobs.source;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a dead letter to the dead-letter topic: original key and value, the rest as headers.
 *
 * <p>The Kafka timestamp is left to the producer (the time of dead-lettering), never the source record's time: the
 * broker's time retention counts from a record's timestamp, so a late flow stamped with its event time, days or years
 * old, would be deleted at the next retention check, silently. That time goes in {@code tapflow.source.timestamp}.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("tapflow.reason", utf8(letter.reason));
        headers.add("tapflow.source.topic", utf8(letter.sourceTopic));
        headers.add("tapflow.source.partition", utf8(Integer.toString(letter.partition)));
        headers.add("tapflow.source.offset", utf8(Long.toString(letter.offset)));
        headers.add("tapflow.source.timestamp", utf8(Long.toString(letter.timestampMs)));
        return new ProducerRecord<>(topic, null, null, letter.key, letter.value, headers);
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
