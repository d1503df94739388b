package io.tapflow.jobs.source;

import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.RecordDecodeException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Avro single-object records of one type; a record that does not decode becomes a dead letter instead of
 * failing the job (a poison record would otherwise crash-loop it forever).
 */
public final class EnvelopeDeserializer<T extends SpecificRecordBase>
        implements KafkaRecordDeserializationSchema<Envelope<T>> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;
    private transient AvroCodec<T> codec;

    public EnvelopeDeserializer(Class<T> type) {
        this.type = type;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> in, Collector<Envelope<T>> out) {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        try {
            out.collect(Envelope.of(codec.decode(in.value(), in.topic(), in.partition(), in.offset())));
        } catch (RecordDecodeException e) {
            out.collect(Envelope.dead(new DeadLetter("undecodable: " + e.getMessage(), in.topic(), in.partition(),
                    in.offset(), in.timestamp(), in.key(), in.value())));
        }
    }

    @Override
    public TypeInformation<Envelope<T>> getProducedType() {
        return typeOf(type);
    }

    /** Explicit type information: Avro's serializer for the record, the POJO serializer for the rest, never Kryo. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T extends SpecificRecordBase> TypeInformation<Envelope<T>> typeOf(Class<T> type) {
        Map<String, TypeInformation<?>> fields = new HashMap<>();
        fields.put("record", new AvroTypeInfo<>(type));
        fields.put("deadLetter", Types.POJO(DeadLetter.class));
        return (TypeInformation) Types.POJO(Envelope.class, fields);
    }
}
