package io.tapflow.schema;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer for one TapFlow record type, Avro single-object encoded. */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final ThreadLocal<AvroCodec<T>> codec;

    public AvroSerializer(Class<T> type) {
        this.codec = ThreadLocal.withInitial(() -> AvroCodec.of(type));
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.get().encode(data);
    }

    public static final class FlowRecords extends AvroSerializer<FlowRecord> {
        public FlowRecords() {
            super(FlowRecord.class);
        }
    }

    public static final class PayloadSamples extends AvroSerializer<PayloadSample> {
        public PayloadSamples() {
            super(PayloadSample.class);
        }
    }

    public static final class AgentStatsRecords extends AvroSerializer<AgentStats> {
        public AgentStatsRecords() {
            super(AgentStats.class);
        }
    }
}
