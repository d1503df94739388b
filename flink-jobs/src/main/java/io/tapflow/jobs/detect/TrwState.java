package io.tapflow.jobs.detect;

/**
 * One source's TRW window: the destinations it has contacted, ln Λ of its current walk, the window's distinct
 * first-contact hosts and ports (evidence), and its episode. Bounded: {@link ContactedSet} at most
 * 16 × {@code maxTracked} bytes (16 KiB with the default 1024), four {@link DistinctCounter}s of at most 256 bytes, the
 * episode's 8 samples. A Flink POJO (public fields, public no-arg constructor).
 */
public final class TrwState extends WindowedEpisodeState {
    public ContactedSet contacted = new ContactedSet();
    public double logRatio;
    public DistinctCounter hosts = new DistinctCounter();
    public DistinctCounter ports = new DistinctCounter();
    /** The current walk's failed first contacts: distinct hosts and ports, and whether every port was ≥ 1024. */
    public DistinctCounter failedHosts = new DistinctCounter();
    public DistinctCounter failedPorts = new DistinctCounter();
    public boolean failuresOnHighPorts = true;

    public TrwState() {
    }

    /** A new walk: Λ = 1, no failures. */
    void restartWalk() {
        logRatio = 0;
        failedHosts = new DistinctCounter();
        failedPorts = new DistinctCounter();
        failuresOnHighPorts = true;
    }

    /** Every failure of the walk went to a distinct host on a high port of its own: a P2P client's stale peers. */
    boolean peerChurn(double ratio) {
        long h = failedHosts.count();
        long p = failedPorts.count();
        return failuresOnHighPorts && Math.min(h, p) >= ratio * Math.max(h, p);
    }

    @Override
    void clearCounts() {
        contacted.clear();
        restartWalk();
        hosts = new DistinctCounter();
        ports = new DistinctCounter();
    }

    /** Bytes of counts and samples held: what the bound in the class comment is about (Java object headers aside). */
    int sizeBytes() {
        return contacted.sizeBytes() + Double.BYTES + hosts.sizeBytes() + ports.sizeBytes()
                + failedHosts.sizeBytes() + failedPorts.sizeBytes()
                + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
    }
}
