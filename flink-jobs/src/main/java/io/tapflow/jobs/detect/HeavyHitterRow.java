package io.tapflow.jobs.detect;

/**
 * One ranked heavy hitter of one link, window, direction and metric: a row of ClickHouse table
 * {@code heavy_hitters} (schemas/.../0008_heavy_hitters.sql). A Flink POJO.
 */
public final class HeavyHitterRow {
    public static final String SRC = "src";
    public static final String DST = "dst";
    public static final String BYTES = "bytes";
    public static final String PACKETS = "packets";

    public String linkId;
    public long windowStartMs;
    public long windowEndMs;
    /** {@link #SRC}: the address sent the traffic; {@link #DST}: it received it. */
    public String direction;
    /** {@link #BYTES} or {@link #PACKETS}. */
    public String metric;
    /** 1 is the largest. */
    public int rank;
    public byte[] addr;
    /** Space-Saving's count: the true value lies in [estimate - error, estimate]. */
    public long estimate;
    public long error;
    /** The window's total of the metric over the link (the sum of every address's true value). */
    public long total;
    /** The smallest counter: any address not listed had at most this much; at most total / counters. */
    public long bound;
    public int counters;
    /** Flows folded into the window: the row's version, so a rewrite with more input replaces it. */
    public long flows;

    public HeavyHitterRow() {
    }
}
