package io.tapflow.agent.export;

import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.Address16;
import io.tapflow.schema.Direction;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import io.tapflow.schema.TunnelType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Fills the Avro contracts from the flow table. Reuses one record of each type: encode before the next call. */
public final class AvroRecords {
    private static final TunnelType[] TUNNELS = TunnelType.values();
    private final AgentIdentity identity;
    private final FlowRecord flow = new FlowRecord();
    private final PayloadSample sample = new PayloadSample();
    private final List<Integer> mplsLabels = new ArrayList<>(1);

    public AvroRecords(AgentIdentity identity) {
        this.identity = identity;
        flow.setAgentId(identity.agentId());
        flow.setLinkId(identity.linkId());
        flow.setAgentStartMs(identity.startMs());
        flow.setSrcAddr(new Address16());
        flow.setDstAddr(new Address16());
        flow.setMplsLabels(mplsLabels);
        flow.setSamplingRate(1);
        flow.setSignatureIds(List.of());
        sample.setAgentId(identity.agentId());
        sample.setLinkId(identity.linkId());
        sample.setAgentStartMs(identity.startMs());
        sample.setSrcAddr(new Address16());
        sample.setDstAddr(new Address16());
        sample.setSignatureIds(List.of());
    }

    public FlowRecord flow(FlowTable t, int slot, EndReason reason) {
        FlowRecord r = flow;
        r.setFlowSeq(t.flowSeq(slot));
        r.setFirstMs(Math.floorDiv(t.firstNs(slot), 1_000_000L));
        r.setLastMs(Math.floorDiv(t.lastNs(slot), 1_000_000L));
        r.setIpVersion(t.ipVersion(slot));
        AddressFormat.toBytes(t.srcHi(slot), t.srcLo(slot), r.getSrcAddr().bytes());
        AddressFormat.toBytes(t.dstHi(slot), t.dstLo(slot), r.getDstAddr().bytes());
        r.setSrcPort(t.srcPort(slot));
        r.setDstPort(t.dstPort(slot));
        r.setL4Proto(t.protocol(slot));
        r.setVlanId(t.vlanOuter(slot));
        r.setInnerVlanId(t.vlanInner(slot));
        mplsLabels.clear();
        if (t.mplsLabel(slot) >= 0) {
            mplsLabels.add(t.mplsLabel(slot));
        }
        r.setTunnelType(TUNNELS[t.tunnelType(slot)]);
        int n = t.signatureCount(slot);
        if (n == 0) {
            r.setSignatureIds(List.of());
        } else {
            Integer[] ids = new Integer[n];
            for (int i = 0; i < n; i++) {
                ids[i] = t.signatureId(slot, i);
            }
            r.setSignatureIds(List.of(ids));
        }
        r.setPacketsFwd(t.packetsFwd(slot));
        r.setPacketsRev(t.packetsRev(slot));
        r.setBytesFwd(t.bytesFwd(slot));
        r.setBytesRev(t.bytesRev(slot));
        r.setTcpFlagsFwd(t.tcpFlagsFwd(slot));
        r.setTcpFlagsRev(t.tcpFlagsRev(slot));
        r.setTtlMin(t.ttlMin(slot) == 0xFF && t.ttlMax(slot) == 0 ? 0 : t.ttlMin(slot));
        r.setTtlMax(t.ttlMax(slot));
        r.setFragments(t.fragments(slot));
        r.setPayloadSamples(t.samplesTaken(slot));
        r.setEndReason(reason);
        return r;
    }

    public PayloadSample sample(FlowTable t, int slot, int direction, int packetIndex, long tsNs,
                                MemorySegment data, long payloadOffset, int capturedBytes, int payloadLength,
                                MatchedIds signatures) {
        PayloadSample s = sample;
        s.setFlowSeq(t.flowSeq(slot));
        s.setIpVersion(t.ipVersion(slot));
        AddressFormat.toBytes(t.srcHi(slot), t.srcLo(slot), s.getSrcAddr().bytes());
        AddressFormat.toBytes(t.dstHi(slot), t.dstLo(slot), s.getDstAddr().bytes());
        s.setSrcPort(t.srcPort(slot));
        s.setDstPort(t.dstPort(slot));
        s.setL4Proto(t.protocol(slot));
        s.setVlanId(t.vlanOuter(slot));
        s.setDirection(direction == FlowTable.FORWARD ? Direction.FORWARD : Direction.REVERSE);
        s.setPacketIndex(packetIndex);
        s.setTsUs(Math.floorDiv(tsNs, 1_000L));
        byte[] bytes = new byte[capturedBytes]; // the Kafka record owns its bytes
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, payloadOffset, bytes, 0, capturedBytes);
        s.setPayload(java.nio.ByteBuffer.wrap(bytes));
        s.setPayloadLength(payloadLength);
        s.setSignatureIds(ids(signatures.array(), signatures.count()));
        return s;
    }

    /** The record owns its list (the array is reused); most samples match nothing and share the empty list. */
    private static List<Integer> ids(int[] ids, int n) {
        if (n == 0) {
            return List.of();
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = ids[i];
        }
        return List.of(boxed);
    }

    public AgentIdentity identity() {
        return identity;
    }
}
