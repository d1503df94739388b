package io.tapflow.jobs.operator;

/**
 * The part of a flow record the aggregations need, small enough to shuffle cheaply between operators. A Flink POJO.
 * Timestamps travel as the stream element's event time (the flow's last packet), not as a field.
 */
public class FlowFacts implements Traffic {
    public String linkId;
    public int l4Proto;
    /** Application when known (DPI), else empty. */
    public String app;
    public byte[] srcAddr;
    public byte[] dstAddr;
    /** {@link ServicePorts#of}: the server side's port, or 0 when both ports are ephemeral. */
    public int servicePort;
    public long packets;
    public long bytes;

    public FlowFacts() {
    }

    @Override
    public long packets() {
        return packets;
    }

    @Override
    public long bytes() {
        return bytes;
    }
}
