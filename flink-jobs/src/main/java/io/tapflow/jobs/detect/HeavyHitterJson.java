package io.tapflow.jobs.detect;

/** One heavy-hitter row as one JSON object (one line), the address in text form; {@code "type":"heavy_hitter"}. */
public final class HeavyHitterJson {
    private HeavyHitterJson() {
    }

    public static String format(HeavyHitterRow r) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"type\":\"heavy_hitter\",\"link_id\":");
        AlertJson.quote(b, r.linkId);
        b.append(",\"window_start_ms\":").append(r.windowStartMs);
        b.append(",\"window_end_ms\":").append(r.windowEndMs);
        b.append(",\"direction\":\"").append(r.direction).append('"');
        b.append(",\"metric\":\"").append(r.metric).append('"');
        b.append(",\"rank\":").append(r.rank);
        b.append(",\"addr\":");
        AlertJson.quote(b, Episode.text(r.addr));
        b.append(",\"estimate\":").append(r.estimate);
        b.append(",\"error\":").append(r.error);
        b.append(",\"total\":").append(r.total);
        b.append(",\"bound\":").append(r.bound);
        b.append(",\"counters\":").append(r.counters);
        return b.append(",\"flows\":").append(r.flows).append('}').toString();
    }
}
