package io.tapflow.jobs.operator;

/** Traffic of one host (as either endpoint) on one link in one window: the input of {@link TopTalkers}. */
public class HostTotal {
    public long windowStartMs;
    public String linkId;
    public byte[] addr;
    public long flows;
    public long packets;
    public long bytes;

    public HostTotal() {
    }
}
