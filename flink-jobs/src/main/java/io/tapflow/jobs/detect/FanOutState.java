package io.tapflow.jobs.detect;

/**
 * One source's current fan-out window and its episode (POJO: public no-arg constructor and public fields). Bounded
 * whatever the number of destinations: one {@link DistinctCounter}, exact up to the peer threshold (8 bytes a peer, so
 * 800 bytes at the default 100; 256 bytes of sketch above it), and the episode's 8 sample peers and ports.
 */
public final class FanOutState extends WindowedEpisodeState {
    public DistinctCounter peers = new DistinctCounter();
    public long connections;

    public FanOutState() {
    }

    @Override
    void clearCounts() {
        peers = DistinctCounter.exactUpTo(peers.exactCap);
        connections = 0;
    }

    int sizeBytes() {
        return peers.sizeBytes() + Long.BYTES + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
    }
}
