package io.tapflow.jobs.detect;

import io.tapflow.schema.Address16;
import io.tapflow.schema.Alert;
import java.util.List;
import java.util.Locale;

/** One alert as one JSON object (one line): addresses in text form, the rest as in the Avro record. */
public final class AlertJson {
    private AlertJson() {
    }

    public static String format(Alert a) {
        StringBuilder b = new StringBuilder(512);
        b.append("{\"detector\":");
        quote(b, a.getDetector());
        b.append(",\"kind\":");
        quote(b, a.getKind());
        b.append(",\"state\":\"").append(a.getState()).append('"');
        b.append(",\"link_id\":");
        quote(b, a.getLinkId());
        b.append(",\"subject\":");
        quote(b, a.getSubject());
        b.append(",\"subject_ip\":");
        quote(b, Episode.text(a.getSubjectAddr().bytes()));
        b.append(",\"subject_port\":").append(a.getSubjectPort());
        b.append(",\"episode_id\":").append(a.getEpisodeId());
        b.append(",\"window_start_ms\":").append(a.getWindowStartMs());
        b.append(",\"window_end_ms\":").append(a.getWindowEndMs());
        b.append(",\"first_seen_ms\":").append(a.getFirstSeenMs());
        b.append(",\"last_seen_ms\":").append(a.getLastSeenMs());
        b.append(",\"score\":").append(String.format(Locale.ROOT, "%.3f", a.getScore()));
        b.append(",\"attempts\":").append(a.getAttempts());
        b.append(",\"distinct_ports\":").append(a.getDistinctPorts());
        b.append(",\"distinct_hosts\":").append(a.getDistinctHosts());
        b.append(",\"sample_peers\":[");
        List<Address16> peers = a.getSamplePeers();
        for (int i = 0; i < peers.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            quote(b, Episode.text(peers.get(i).bytes()));
        }
        b.append("],\"sample_ports\":[");
        List<Integer> ports = a.getSamplePorts();
        for (int i = 0; i < ports.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(ports.get(i));
        }
        b.append("],\"dns_responses\":").append(a.getDnsResponses());
        b.append(",\"dns_nxdomain\":").append(a.getDnsNxdomain());
        b.append(",\"dns_distinct_names\":").append(a.getDnsDistinctNames());
        b.append(",\"dns_domain\":");
        quote(b, a.getDnsDomain());
        b.append(",\"sample_names\":[");
        List<String> names = a.getSampleNames();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            quote(b, names.get(i));
        }
        return b.append("]}").toString();
    }

    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
