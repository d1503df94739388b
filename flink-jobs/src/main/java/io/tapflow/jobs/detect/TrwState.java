package io.tapflow.jobs.detect;

/**
 * One source's TRW window: the destinations it has contacted, ln Λ of its current walk, the window's distinct
 * first-contact hosts and ports (evidence), and its episode. Bounded: {@link ContactedSet} at most
 * 16 × {@code maxTracked} bytes (16 KiB with the default 1024), two {@link DistinctCounter}s of at most 256 bytes, the
 * episode's 8 samples. A Flink POJO (public fields, public no-arg constructor).
 */
public final class TrwState extends WindowedEpisodeState {
    public ContactedSet contacted = new ContactedSet();
    public double logRatio;
    public DistinctCounter hosts = new DistinctCounter();
    public DistinctCounter ports = new DistinctCounter();

    public TrwState() {
    }

    @Override
    void clearCounts() {
        contacted.clear();
        logRatio = 0;
        hosts = new DistinctCounter();
        ports = new DistinctCounter();
    }

    /** Bytes of counts and samples held: what the bound in the class comment is about (Java object headers aside). */
    int sizeBytes() {
        return contacted.sizeBytes() + Double.BYTES + hosts.sizeBytes() + ports.sizeBytes()
                + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
    }
}
