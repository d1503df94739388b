package io.tapflow.jobs.source;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Kafka record a job could not use, kept byte for byte with where it came from and why, so an operator can inspect
 * it or replay it after a fix. A Flink POJO (public fields, no-arg constructor) so it never falls back to Kryo.
 */
public class DeadLetter {
    /** Why: a short machine-friendly kind ("undecodable", "late") then a colon and the detail. */
    public String reason;
    public String sourceTopic;
    public int partition;
    public long offset;
    /** The source record's Kafka timestamp; for a late flow, its event time (ms). */
    public long timestampMs;
    public byte[] key;
    public byte[] value;

    public DeadLetter() {
    }

    public DeadLetter(String reason, String sourceTopic, int partition, long offset, long timestampMs, byte[] key,
                      byte[] value) {
        this.reason = reason;
        this.sourceTopic = sourceTopic;
        this.partition = partition;
        this.offset = offset;
        this.timestampMs = timestampMs;
        this.key = key;
        this.value = value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && partition == d.partition && offset == d.offset
                && timestampMs == d.timestampMs && Objects.equals(reason, d.reason)
                && Objects.equals(sourceTopic, d.sourceTopic) && Arrays.equals(key, d.key)
                && Arrays.equals(value, d.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sourceTopic, partition, offset);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + sourceTopic + "/" + partition + "@" + offset + ": " + reason + "}";
    }
}
