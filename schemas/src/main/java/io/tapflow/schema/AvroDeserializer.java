package io.tapflow.schema;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for one TapFlow record type. A bad record raises {@link RecordDecodeException} naming the
 * topic; the Kafka consumer wraps it in a RecordDeserializationException that carries partition and offset, so a
 * consumer can log it, skip it with {@code seek(offset + 1)} and go on.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final ThreadLocal<AvroCodec<T>> codec;

    public AvroDeserializer(Class<T> type) {
        this.codec = ThreadLocal.withInitial(() -> AvroCodec.of(type));
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return codec.get().decode(data, topic, -1, -1);
    }

    public static final class FlowRecords extends AvroDeserializer<FlowRecord> {
        public FlowRecords() {
            super(FlowRecord.class);
        }
    }

    public static final class PayloadSamples extends AvroDeserializer<PayloadSample> {
        public PayloadSamples() {
            super(PayloadSample.class);
        }
    }

    public static final class AgentStatsRecords extends AvroDeserializer<AgentStats> {
        public AgentStatsRecords() {
            super(AgentStats.class);
        }
    }
}
