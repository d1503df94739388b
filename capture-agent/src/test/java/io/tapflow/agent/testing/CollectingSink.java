package io.tapflow.agent.testing;

import io.tapflow.agent.export.AddressFormat;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.export.Protocols;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Keeps every flow, sample and stats record the meter emits, as plain values. */
public final class CollectingSink implements FlowSink {
    public record Flow(long seq, String proto, String srcIp, int srcPort, String dstIp, int dstPort, long packetsFwd,
                       long packetsRev, long bytesFwd, long bytesRev, int vlan, int tunnel, long fragments, EndReason reason) {
        public long packets() {
            return packetsFwd + packetsRev;
        }

        public long bytes() {
            return bytesFwd + bytesRev;
        }
    }

    public record Sample(long seq, int direction, int packetIndex, int captured, int length) {
    }

    public final List<Flow> flows = new ArrayList<>();
    public final List<Sample> samples = new ArrayList<>();
    public final List<AgentStats> stats = new ArrayList<>();

    @Override
    public void flow(FlowTable t, int s, EndReason reason) {
        flows.add(new Flow(t.flowSeq(s), Protocols.name(t.protocol(s)), AddressFormat.toString(t.srcHi(s), t.srcLo(s)), t.srcPort(s),
                AddressFormat.toString(t.dstHi(s), t.dstLo(s)), t.dstPort(s), t.packetsFwd(s), t.packetsRev(s),
                t.bytesFwd(s), t.bytesRev(s), t.vlanOuter(s), t.tunnelType(s), t.fragments(s), reason));
    }

    @Override
    public void sample(FlowTable t, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                       long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
        samples.add(new Sample(t.flowSeq(slot), direction, packetIndex, capturedBytes, payloadLength));
    }

    @Override
    public void stats(AgentStats s) {
        stats.add(s);
    }

    @Override
    public void close() {
    }
}
