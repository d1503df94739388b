package io.tapflow.agent.export;

import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.TunnelType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.foreign.MemorySegment;

/**
 * One JSON object per flow record, one per line, for people and scripts ({@code --output jsonl}). src is the
 * initiator; bytes are frame lengths including the link-layer header. Samples and stats are not written here.
 */
public final class JsonLinesSink implements FlowSink {
    private static final TunnelType[] TUNNELS = TunnelType.values();
    private final Writer out;
    private final AgentIdentity identity;
    private final StringBuilder line = new StringBuilder(512);
    private final ExtraFields extra;
    private long written;

    /** More fields for a flow's line (e.g. the classifier's verdict), appended as {@code ,"name":value...}. */
    @FunctionalInterface
    public interface ExtraFields {
        void append(StringBuilder line, FlowTable table, int slot, EndReason reason);
    }

    public JsonLinesSink(Writer out, AgentIdentity identity) {
        this(out, identity, null);
    }

    public JsonLinesSink(Writer out, AgentIdentity identity, ExtraFields extra) {
        this.out = out;
        this.identity = identity;
        this.extra = extra;
    }

    @Override
    public void flow(FlowTable t, int slot, EndReason reason) {
        StringBuilder b = line;
        b.setLength(0);
        b.append("{\"agent_id\":");
        quote(b, identity.agentId());
        b.append(",\"link_id\":");
        quote(b, identity.linkId());
        b.append(",\"flow_seq\":").append(t.flowSeq(slot));
        b.append(",\"first_ms\":").append(Math.floorDiv(t.firstNs(slot), 1_000_000L));
        b.append(",\"last_ms\":").append(Math.floorDiv(t.lastNs(slot), 1_000_000L));
        b.append(",\"ip_version\":").append(t.ipVersion(slot));
        b.append(",\"proto\":\"").append(Protocols.name(t.protocol(slot))).append('"');
        b.append(",\"src_ip\":\"");
        AddressFormat.append(b, t.srcHi(slot), t.srcLo(slot)).append('"');
        b.append(",\"src_port\":").append(t.srcPort(slot));
        b.append(",\"dst_ip\":\"");
        AddressFormat.append(b, t.dstHi(slot), t.dstLo(slot)).append('"');
        b.append(",\"dst_port\":").append(t.dstPort(slot));
        b.append(",\"packets\":").append(t.packetsFwd(slot) + t.packetsRev(slot));
        b.append(",\"bytes\":").append(t.bytesFwd(slot) + t.bytesRev(slot));
        b.append(",\"packets_fwd\":").append(t.packetsFwd(slot));
        b.append(",\"packets_rev\":").append(t.packetsRev(slot));
        b.append(",\"bytes_fwd\":").append(t.bytesFwd(slot));
        b.append(",\"bytes_rev\":").append(t.bytesRev(slot));
        b.append(",\"tcp_flags_fwd\":").append(t.tcpFlagsFwd(slot));
        b.append(",\"tcp_flags_rev\":").append(t.tcpFlagsRev(slot));
        b.append(",\"ttl_min\":").append(t.ttlMin(slot));
        b.append(",\"ttl_max\":").append(t.ttlMax(slot));
        b.append(",\"vlan_id\":").append(t.vlanOuter(slot));
        b.append(",\"inner_vlan_id\":").append(t.vlanInner(slot));
        b.append(",\"mpls_label\":").append(t.mplsLabel(slot));
        b.append(",\"tunnel\":\"").append(TUNNELS[t.tunnelType(slot)].name()).append('"');
        b.append(",\"fragments\":").append(t.fragments(slot));
        b.append(",\"end_reason\":\"").append(reason.name()).append('"');
        b.append(",\"signature_ids\":[");
        for (int i = 0, n = t.signatureCount(slot); i < n; i++) {
            b.append(i == 0 ? "" : ",").append(t.signatureId(slot, i));
        }
        b.append(']');
        if (extra != null) {
            extra.append(b, t, slot, reason);
        }
        b.append("}\n");
        try {
            out.append(b);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON lines failed", e);
        }
        written++;
    }

    /** Appends {@code s} as a JSON string. */
    public static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    @Override
    public void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                       long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
    }

    @Override
    public void stats(AgentStats stats) {
    }

    @Override
    public SinkCounters counters() {
        return new SinkCounters(written, 0, 0);
    }

    @Override
    public void close() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("flushing JSON lines failed", e);
        }
    }
}
