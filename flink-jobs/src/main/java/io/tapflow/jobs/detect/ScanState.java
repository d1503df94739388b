package io.tapflow.jobs.detect;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * One scanner's current window (distinct ports per destination host, distinct hosts per destination port) and its
 * episode. At most {@code maxTracked} hosts and {@code maxTracked} ports are tracked per window, each with a
 * {@link DistinctCounter} of at most 256 bytes, so a window holds at most 2 × maxTracked × 256 bytes of counts
 * whatever the scan's size (32 KiB with the default 64), plus the episode's 8 sample peers and ports. A Flink POJO
 * (public fields, public no-arg constructor; the maps and lists have Flink's own serializers), so checkpoints do not
 * go through Kryo ({@code DetectStateTypesTest}).
 */
public final class ScanState extends WindowedEpisodeState implements Serializable {
    private static final long serialVersionUID = 1L;

    public Map<Long, DistinctCounter> portsByHost = new HashMap<>();
    public Map<Integer, DistinctCounter> hostsByPort = new HashMap<>();
    public long maxPorts;
    public long maxHosts;

    @Override
    void clearCounts() {
        portsByHost.clear();
        hostsByPort.clear();
        maxPorts = 0;
        maxHosts = 0;
    }

    /** Bytes of counts and samples held: what the bound in the class comment is about (Java object headers aside). */
    int sizeBytes() {
        int bytes = 0;
        for (DistinctCounter c : portsByHost.values()) {
            bytes += Long.BYTES + c.sizeBytes();
        }
        for (DistinctCounter c : hostsByPort.values()) {
            bytes += Integer.BYTES + c.sizeBytes();
        }
        return bytes + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
    }
}
