package io.tapflow.jobs.sink;

import io.tapflow.jobs.detect.HeavyHitterRow;
import java.util.List;

/**
 * A ranked heavy hitter → a row of {@code heavy_hitters} (schemas/.../0008_heavy_hitters.sql). Its identity is
 * (window_start, link_id, direction, metric, rank) and ver the flows folded into the window, so a rewritten window
 * replaces its rows.
 */
public final class HeavyHitterRows extends TableRows<HeavyHitterRow> {
    private static final long serialVersionUID = 1L;
    private static final List<String> COLUMNS = List.of("window_start", "window_end", "link_id", "direction", "metric",
            "rank", "addr", "estimate", "error", "total", "bound", "counters", "ver");

    public HeavyHitterRows() {
        super("heavy_hitters", COLUMNS);
    }

    @Override
    public void encode(HeavyHitterRow r, RowBinaryOutput out) {
        out.dateTimeOfMillis(r.windowStartMs).dateTimeOfMillis(r.windowEndMs).string(r.linkId)
                .uint8(HeavyHitterRow.SRC.equals(r.direction) ? 0 : 1) // Enum8: src = 0, dst = 1
                .uint8(HeavyHitterRow.BYTES.equals(r.metric) ? 0 : 1) // Enum8: bytes = 0, packets = 1
                .uint16(r.rank).fixedString(r.addr, 16).uint64(r.estimate).uint64(r.error).uint64(r.total)
                .uint64(r.bound).uint32(r.counters).uint64(r.flows);
    }
}
