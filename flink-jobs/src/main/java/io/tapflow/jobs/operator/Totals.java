package io.tapflow.jobs.operator;

/** Running sums of a window: the accumulator of every aggregation here. A Flink POJO. */
public class Totals {
    public long flows;
    public long packets;
    public long bytes;

    public Totals() {
    }

    Totals add(long flowCount, long packetCount, long byteCount) {
        flows += flowCount;
        packets += packetCount;
        bytes += byteCount;
        return this;
    }
}
