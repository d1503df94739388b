package io.tapflow.jobs.detect;

import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.TunnelType;
import java.util.List;

/** TCP flow records with chosen handshake flags, for the detector tests. */
final class DetectFlows {
    static final String LINK = "lab";
    /** SYN only, nothing back: an unanswered probe or half-open attempt. */
    static final int SYN = TcpFlags.SYN;
    static final int SYN_ACK = TcpFlags.SYN | TcpFlags.ACK;
    /** A connection that moved data: SYN, ACK, PSH, FIN. */
    static final int DATA = TcpFlags.SYN | TcpFlags.ACK | TcpFlags.PSH | TcpFlags.FIN;

    private DetectFlows() {
    }

    /** src 10.0.0.{src}, dst 192.168.x.y (dstHost as 16 bits), first packet 50 ms before the last. */
    static FlowRecord tcp(long lastMs, int src, int dstHost, int dstPort, int flagsFwd, int flagsRev) {
        return FlowRecord.newBuilder()
                .setAgentId("agent").setLinkId(LINK).setAgentStartMs(1).setFlowSeq(lastMs)
                .setFirstMs(lastMs - 50).setLastMs(lastMs).setIpVersion(4)
                .setSrcAddr(Flows.ipv4(10, 0, 0, src)).setDstAddr(Flows.ipv4(192, 168, dstHost >>> 8 & 0xFF, dstHost & 0xFF))
                .setSrcPort(40_000).setDstPort(dstPort).setL4Proto(6)
                .setMplsLabels(List.of()).setTunnelType(TunnelType.NONE)
                .setPacketsFwd(1).setPacketsRev(flagsRev == 0 ? 0 : 1).setBytesFwd(60).setBytesRev(flagsRev == 0 ? 0 : 60)
                .setTcpFlagsFwd(flagsFwd).setTcpFlagsRev(flagsRev)
                .setEndReason(EndReason.IDLE_TIMEOUT).setSignatureIds(List.of())
                .build();
    }

    /** A flow from initiator address 10.{a}.{b}.{c} (24 bits of {@code initiator}) to 192.168.0.1:{port}. */
    static FlowRecord halfOpen(long firstMs, int initiator, int port) {
        FlowRecord r = tcp(firstMs, 1, 1, port, SYN, SYN_ACK);
        r.setFirstMs(firstMs);
        r.setSrcAddr(Flows.ipv4(10, initiator >>> 16 & 0xFF, initiator >>> 8 & 0xFF, initiator & 0xFF));
        return r;
    }
}
