package io.tapflow.jobs;

import io.tapflow.jobs.source.Envelope;
import io.tapflow.jobs.source.EnvelopeDeserializer;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources of TapFlow topics: committed offsets of the group (or earliest the first time), decoded to envelopes. */
final class KafkaTopicSource {
    private KafkaTopicSource() {
    }

    @SuppressWarnings("deprecation") // OffsetResetStrategy is what the connector's API takes
    static <T extends SpecificRecordBase> KafkaSource<Envelope<T>> of(AggregationSettings s, String topic,
                                                                     Class<T> type) {
        var builder = KafkaSource.<Envelope<T>>builder()
                .setBootstrapServers(s.kafkaBootstrap())
                .setTopics(topic)
                .setGroupId(s.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new EnvelopeDeserializer<>(type))
                .setProperty("client.id.prefix", s.groupId() + "-" + topic);
        if (s.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        } else {
            builder.setProperty("partition.discovery.interval.ms", "60000"); // new partitions join a running job
        }
        return builder.build();
    }
}
