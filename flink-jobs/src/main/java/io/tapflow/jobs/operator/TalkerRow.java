package io.tapflow.jobs.operator;

/** One row of talkers_1m / talkers_1h. Identity: (windowStartMs, linkId, rank). */
public class TalkerRow {
    public long windowStartMs;
    public String linkId;
    public int rank;
    public byte[] addr;
    public long flows;
    public long packets;
    public long bytes;
    /** Records folded into the link's window: grows when late records correct it, so the newest row wins. */
    public long version;

    public TalkerRow() {
    }
}
