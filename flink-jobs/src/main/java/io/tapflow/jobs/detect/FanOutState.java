package io.tapflow.jobs.detect;

/**
 * One source's current fan-out window and its episode (POJO: public no-arg constructor and public fields). Fixed
 * size: one {@link DistinctCounter} (≤ 256 bytes) and the episode's 8 sample peers and ports, whatever the number of
 * destinations.
 */
public final class FanOutState {
    public static final long NONE = Long.MIN_VALUE;

    public long windowStartMs = NONE;
    public long windowEndMs = NONE;
    public DistinctCounter peers = new DistinctCounter();
    public long connections;
    public boolean crossed;
    /** Event time at which an open episode closes unless another window crosses first; NONE while not scheduled. */
    public long closeAtMs = NONE;
    public Episode episode = new Episode();

    public FanOutState() {
    }

    boolean windowActive() {
        return windowStartMs != NONE;
    }

    void startWindow(long t, long lengthMs) {
        windowStartMs = t;
        windowEndMs = t + lengthMs;
        peers = new DistinctCounter();
        connections = 0;
        crossed = false;
    }

    void endWindow() {
        windowStartMs = NONE;
        windowEndMs = NONE;
        peers = new DistinctCounter();
        connections = 0;
    }

    int sizeBytes() {
        return peers.sizeBytes() + Long.BYTES + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
    }
}
