package io.tapflow.jobs.detect;

import java.util.HashMap;
import java.util.Map;

/**
 * One DNS client's current window and its episode (POJO: public no-arg constructor and public fields). Bounded: the
 * counts, and distinct suspicious names for at most {@link DnsSettings#maxTrackedDomains()} registered domains (one
 * {@link DistinctCounter} of ≤ 256 bytes each), whatever the number of queries.
 */
public final class DnsState extends WindowedEpisodeState {
    public long queries;
    public long responses;
    public long nxdomain;
    /** Distinct suspicious query names by registered domain. Declared as Map so that Flink uses its map serializer. */
    public Map<String, DistinctCounter> suspiciousByDomain = new HashMap<>();

    public DnsState() {
    }

    @Override
    void clearCounts() {
        queries = 0;
        responses = 0;
        nxdomain = 0;
        suspiciousByDomain = new HashMap<>();
    }

    int sizeBytes() {
        int bytes = 3 * Long.BYTES + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
        for (Map.Entry<String, DistinctCounter> e : suspiciousByDomain.entrySet()) {
            bytes += e.getKey().length() + e.getValue().sizeBytes();
        }
        for (String name : episode.sampleNames) {
            bytes += name.length();
        }
        return bytes;
    }
}
