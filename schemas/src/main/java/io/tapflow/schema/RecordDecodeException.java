package io.tapflow.schema;

/**
 * A Kafka record whose bytes are not a TapFlow Avro single-object message of the expected type.
 * Names where the record came from so an operator can find it, and never carries the payload itself.
 */
public final class RecordDecodeException extends RuntimeException {
    private final String topic;
    private final int partition;
    private final long offset;

    public RecordDecodeException(String topic, int partition, long offset, String reason, Throwable cause) {
        super("cannot decode record at " + where(topic, partition, offset) + ": " + reason, cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    private static String where(String topic, int partition, long offset) {
        return "topic " + topic + (partition >= 0 ? ", partition " + partition : "") + (offset >= 0 ? ", offset " + offset : "");
    }

    public String topic() {
        return topic;
    }

    /** -1 when the caller did not know it (Kafka's Deserializer API does not pass it). */
    public int partition() {
        return partition;
    }

    /** -1 when the caller did not know it. */
    public long offset() {
        return offset;
    }
}
