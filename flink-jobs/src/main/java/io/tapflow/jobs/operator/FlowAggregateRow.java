package io.tapflow.jobs.operator;

/** One row of flows_1m / flows_1h. Identity: the key columns + windowStartMs; flows doubles as the row version. */
public class FlowAggregateRow {
    public long windowStartMs;
    public String linkId;
    public int l4Proto;
    public String app;
    public byte[] srcAddr;
    public byte[] dstAddr;
    public int servicePort;
    public long flows;
    public long packets;
    public long bytes;

    public FlowAggregateRow() {
    }
}
