package io.tapflow.jobs.operator;

/** One row of links_1m / links_1h. Identity: (windowStartMs, linkId); flows doubles as the row version. */
public class LinkTotalRow {
    public long windowStartMs;
    public String linkId;
    public long flows;
    public long packets;
    public long bytes;

    public LinkTotalRow() {
    }
}
