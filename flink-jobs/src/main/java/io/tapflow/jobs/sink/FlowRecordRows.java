package io.tapflow.jobs.sink;

import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.schema.FlowRecord;
import java.util.List;

/**
 * A flow record with its DPI verdict → one row of {@code flows} (schemas/.../0001_flows.sql): the DPI stage runs
 * before this sink, so app, category, server_name, ja3, ja4 are written with the flow, once (empty without DPI).
 * written_ms is when the row reached the sink.
 */
public final class FlowRecordRows extends TableRows<ClassifiedFlow> {
    private static final long serialVersionUID = 1L;
    public static final long VERSION = 0;
    private static final List<String> COLUMNS = List.of("time", "first_ms", "last_ms", "agent_id", "agent_start_ms",
            "flow_seq", "link_id", "ip_version", "src_addr", "dst_addr", "src_port", "dst_port", "l4_proto", "vlan_id",
            "inner_vlan_id", "mpls_labels", "tunnel_type", "packets_fwd", "packets_rev", "bytes_fwd", "bytes_rev",
            "tcp_flags_fwd", "tcp_flags_rev", "ttl_min", "ttl_max", "fragments", "end_reason", "sampling_rate",
            "signature_ids", "app", "category", "server_name", "ja3", "ja4", "written_ms", "ver");

    public FlowRecordRows() {
        super("flows", COLUMNS);
    }

    @Override
    public void encode(ClassifiedFlow c, RowBinaryOutput out) {
        FlowRecord r = c.flow;
        out.dateTimeOfMillis(r.getFirstMs())
                .uint64(r.getFirstMs())
                .uint64(r.getLastMs())
                .string(r.getAgentId())
                .uint64(r.getAgentStartMs())
                .uint64(r.getFlowSeq())
                .string(r.getLinkId())
                .uint8(r.getIpVersion())
                .fixedString(r.getSrcAddr().bytes(), 16)
                .fixedString(r.getDstAddr().bytes(), 16)
                .uint16(r.getSrcPort())
                .uint16(r.getDstPort())
                .uint8(r.getL4Proto())
                .uint16(r.getVlanId())
                .uint16(r.getInnerVlanId());
        uint32Array(out, r.getMplsLabels());
        out.string(r.getTunnelType().name())
                .uint64(r.getPacketsFwd())
                .uint64(r.getPacketsRev())
                .uint64(r.getBytesFwd())
                .uint64(r.getBytesRev())
                .uint8(r.getTcpFlagsFwd())
                .uint8(r.getTcpFlagsRev())
                .uint8(r.getTtlMin())
                .uint8(r.getTtlMax())
                .uint64(r.getFragments())
                .string(r.getEndReason().name())
                .uint32(r.getSamplingRate());
        uint32Array(out, r.getSignatureIds());
        out.string(c.app).string(c.category).string(c.serverName).string(c.ja3).string(c.ja4)
                .uint64(System.currentTimeMillis())
                .uint64(VERSION);
    }

    private static void uint32Array(RowBinaryOutput out, List<Integer> values) {
        out.arrayLength(values.size());
        for (int v : values) {
            out.uint32(v & 0xFFFF_FFFFL);
        }
    }
}
