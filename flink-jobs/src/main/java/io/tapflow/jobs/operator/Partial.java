package io.tapflow.jobs.operator;

/**
 * Sums of one key in one window over the records a {@link PreAggregator} saw since its last flush. Its stream
 * element time is the window's last millisecond, so the global window of the same size takes it into that window.
 * A Flink POJO.
 */
public class Partial {
    public BinaryKey key;
    public long flows;
    public long packets;
    public long bytes;

    public Partial() {
    }

    Partial(BinaryKey key) {
        this.key = key;
    }

    void add(long flowCount, long packetCount, long byteCount) {
        flows += flowCount;
        packets += packetCount;
        bytes += byteCount;
    }
}
