package io.tapflow.jobs;

import io.tapflow.jobs.source.Envelope;
import io.tapflow.jobs.source.EnvelopeDeserializer;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources of TapFlow topics, decoded to envelopes. */
final class KafkaTopicSource {
    private KafkaTopicSource() {
    }

    /** The aggregation job's: committed offsets of the group (or earliest the first time); bounded: up to the end now. */
    @SuppressWarnings("deprecation") // OffsetResetStrategy is what the connector's API takes
    static <T extends SpecificRecordBase> KafkaSource<Envelope<T>> of(AggregationSettings s, String topic,
                                                                     Class<T> type) {
        return of(s.kafkaBootstrap(), s.groupId(), topic, type,
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                s.bounded() ? OffsetsInitializer.latest() : null, true);
    }

    /**
     * From {@code start}, up to {@code stop} and then finished, or streaming when {@code stop} is null; offsets are
     * committed to the group on checkpoints when {@code commit}.
     */
    static <T extends SpecificRecordBase> KafkaSource<Envelope<T>> of(String bootstrap, String groupId, String topic,
                                                                     Class<T> type, OffsetsInitializer start,
                                                                     OffsetsInitializer stop, boolean commit) {
        var builder = KafkaSource.<Envelope<T>>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(start)
                .setDeserializer(new EnvelopeDeserializer<>(type))
                .setProperty("client.id.prefix", groupId + "-" + topic)
                .setProperty("commit.offsets.on.checkpoint", String.valueOf(commit));
        if (stop != null) {
            builder.setBounded(stop);
        } else {
            builder.setProperty("partition.discovery.interval.ms", "60000"); // new partitions join a running job
        }
        return builder.build();
    }
}
