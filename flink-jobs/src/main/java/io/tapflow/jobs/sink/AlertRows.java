package io.tapflow.jobs.sink;

import io.tapflow.schema.Address16;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import java.util.List;

/**
 * An alert → a row of {@code alerts} (schemas/.../0007_alerts.sql, DNS evidence columns from 0009_alerts_dns.sql). ver is 0 for OPEN and 1 for CLOSED, so the
 * episode's CLOSED row replaces its OPEN one whatever order the two were written in.
 */
public final class AlertRows extends TableRows<Alert> {
    private static final long serialVersionUID = 1L;
    private static final List<String> COLUMNS = List.of("time", "detector", "kind", "link_id", "subject_addr",
            "subject_port", "subject", "episode_id", "state", "window_start_ms", "window_end_ms", "first_seen_ms",
            "last_seen_ms", "score", "attempts", "distinct_ports", "distinct_hosts", "sample_peers", "sample_ports",
            "written_ms", "ver", "dns_responses", "dns_nxdomain", "dns_distinct_names", "dns_domain", "sample_names");

    public AlertRows() {
        super("alerts", COLUMNS);
    }

    @Override
    public void encode(Alert a, RowBinaryOutput out) {
        int closed = a.getState() == AlertState.CLOSED ? 1 : 0;
        out.dateTimeOfMillis(a.getEpisodeId())
                .string(a.getDetector())
                .string(a.getKind())
                .string(a.getLinkId())
                .fixedString(a.getSubjectAddr().bytes(), 16)
                .uint32(a.getSubjectPort() & 0xFFFF_FFFFL) // Int32: same four bytes
                .string(a.getSubject())
                .uint64(a.getEpisodeId())
                .uint8(closed) // Enum8: OPEN = 0, CLOSED = 1
                .uint64(a.getWindowStartMs())
                .uint64(a.getWindowEndMs())
                .uint64(a.getFirstSeenMs())
                .uint64(a.getLastSeenMs())
                .float64(a.getScore())
                .uint64(a.getAttempts())
                .uint64(a.getDistinctPorts())
                .uint64(a.getDistinctHosts());
        List<Address16> peers = a.getSamplePeers();
        out.arrayLength(peers.size());
        for (Address16 p : peers) {
            out.fixedString(p.bytes(), 16);
        }
        List<Integer> ports = a.getSamplePorts();
        out.arrayLength(ports.size());
        for (int p : ports) {
            out.uint16(p);
        }
        out.uint64(System.currentTimeMillis()).uint8(closed);
        out.uint64(a.getDnsResponses())
                .uint64(a.getDnsNxdomain())
                .uint64(a.getDnsDistinctNames())
                .string(a.getDnsDomain());
        List<String> names = a.getSampleNames();
        out.arrayLength(names.size());
        for (String n : names) {
            out.string(n);
        }
    }
}
