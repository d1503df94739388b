package io.tapflow.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (C3 01 + CRC-64 schema fingerprint + binary body) for one generated record type.
 * Readers resolve the writer schema from the fingerprint, so no schema-registry server is needed; older writer
 * schemas of the same record are registered with {@link #addWriterSchema} as the contract evolves.
 * Not thread-safe (it reuses its output buffer): use one per thread.
 */
public final class AvroCodec<T extends SpecificRecord> {
    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    public AvroCodec(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        Schema schema = SpecificData.get().getSchema(type);
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        SchemaHistory.of(type).forEach(decoder::addSchema);
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type);
    }

    /** Lets this codec read messages written with an older (or newer) compatible schema. */
    public AvroCodec<T> addWriterSchema(Schema writerSchema) {
        decoder.addSchema(writerSchema);
        return this;
    }

    public byte[] encode(T record) {
        out.reset();
        try {
            encoder.encode(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding " + type.getSimpleName() + " in memory failed", e);
        }
        return out.toByteArray();
    }

    /** Decodes or throws {@link RecordDecodeException} naming the topic, partition and offset (-1 when unknown). */
    public T decode(byte[] bytes, String topic, int partition, long offset) {
        if (bytes == null) {
            throw new RecordDecodeException(topic, partition, offset, "null value (tombstone) where a "
                    + type.getSimpleName() + " was expected", null);
        }
        try {
            return decoder.decode(ByteBuffer.wrap(bytes));
        } catch (MissingSchemaException e) {
            throw new RecordDecodeException(topic, partition, offset,
                    "unknown writer schema fingerprint (not a " + type.getSimpleName() + " this reader knows)", e);
        } catch (BadHeaderException e) {
            throw new RecordDecodeException(topic, partition, offset,
                    "not Avro single-object encoded (" + bytes.length + " bytes, bad header)", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new RecordDecodeException(topic, partition, offset,
                    "corrupt " + type.getSimpleName() + " body (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    public Class<T> type() {
        return type;
    }
}
