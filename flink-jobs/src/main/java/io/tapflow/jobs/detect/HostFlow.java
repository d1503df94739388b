package io.tapflow.jobs.detect;

import io.tapflow.schema.FlowRecord;
import java.util.Arrays;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import io.tapflow.jobs.operator.BinaryKey;

/**
 * One flow seen from one of its two hosts (POJO: public no-arg constructor and public fields), so that a detector
 * keyed by host sees the flows it initiated and those it answered: {@link #BOTH_ENDS} turns each flow record into
 * one view from its source ({@code outbound}) and one from its destination.
 */
public final class HostFlow {
    public String linkId;
    public byte[] host;
    public byte[] peer;
    public int hostPort;
    public int peerPort;
    public int proto;
    /** The host is the flow's source (the initiator as the agent saw it: its first packet). */
    public boolean outbound;
    /** The host sent at least one packet of the flow (a destination that never answered did not). */
    public boolean hostSent;
    public long firstMs;
    public long lastMs;

    public HostFlow() {
    }

    static HostFlow of(FlowRecord r, boolean outbound) {
        HostFlow f = new HostFlow();
        f.linkId = r.getLinkId();
        f.host = (outbound ? r.getSrcAddr() : r.getDstAddr()).bytes();
        f.peer = (outbound ? r.getDstAddr() : r.getSrcAddr()).bytes();
        f.hostPort = outbound ? r.getSrcPort() : r.getDstPort();
        f.peerPort = outbound ? r.getDstPort() : r.getSrcPort();
        f.proto = r.getL4Proto();
        f.outbound = outbound;
        f.hostSent = (outbound ? r.getPacketsFwd() : r.getPacketsRev()) > 0;
        f.firstMs = r.getFirstMs();
        f.lastMs = r.getLastMs();
        return f;
    }

    /** Each flow as seen from its source and from its destination (a flow between one address and itself: once). */
    static final FlatMapFunction<FlowRecord, HostFlow> BOTH_ENDS = (r, out) -> {
        out.collect(of(r, true));
        if (!Arrays.equals(r.getSrcAddr().bytes(), r.getDstAddr().bytes())) {
            out.collect(of(r, false));
        }
    };

    /** The host: link and the host's address. */
    static final KeySelector<HostFlow, BinaryKey> HOST = f -> DetectKeys.of(f.linkId, f.host, -1);

    @Override
    public String toString() {
        return linkId + " " + Episode.text(host) + ":" + hostPort + (outbound ? " -> " : " <- ") + Episode.text(peer)
                + ":" + peerPort + " proto " + proto;
    }
}
