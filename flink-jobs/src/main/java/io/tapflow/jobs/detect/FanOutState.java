package io.tapflow.jobs.detect;

/**
 * One source's current fan-out window and its episode (POJO: public no-arg constructor and public fields). Fixed
 * size: one {@link DistinctCounter} (≤ 256 bytes) and the episode's 8 sample peers and ports, whatever the number of
 * destinations.
 */
public final class FanOutState extends WindowedEpisodeState {
    public DistinctCounter peers = new DistinctCounter();
    public long connections;

    public FanOutState() {
    }

    @Override
    void clearCounts() {
        peers = new DistinctCounter();
        connections = 0;
    }

    int sizeBytes() {
        return peers.sizeBytes() + Long.BYTES + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
    }
}
