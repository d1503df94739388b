package io.tapflow.jobs.detect;

import java.util.HashMap;
import java.util.Map;

/**
 * One host's current P2P window and its episode (POJO: public no-arg constructor and public fields). Bounded: at
 * most {@code 4 × p2pMaxTracked} peers in {@link #protosByPeer} (8-byte key, 1-byte value), at most
 * {@code p2pMaxTracked} endpoints each with two {@link DistinctCounter}s (≤ 256 bytes each), two more counters for the
 * outbound peers, and the episode's 8 sample peers and ports, whatever the number of peers.
 */
public final class P2pState extends WindowedEpisodeState {

    /** Peer address hash → protocols used with it: 1 TCP, 2 UDP. */
    public Map<Long, Byte> protosByPeer = new HashMap<>();
    public long tcpUdpPeers;
    /** Host endpoint (protocol × 65536 + port) → distinct peer addresses and distinct peer ports that reached it. */
    public Map<Integer, DistinctCounter> endpointAddrs = new HashMap<>();
    public Map<Integer, DistinctCounter> endpointPorts = new HashMap<>();
    /** The host's outbound flows to peers' high ports: distinct peer addresses and distinct peer ports. */
    public DistinctCounter outboundAddrs = new DistinctCounter();
    public DistinctCounter outboundPorts = new DistinctCounter();

    public P2pState() {
    }

    @Override
    void clearCounts() {
        protosByPeer.clear();
        tcpUdpPeers = 0;
        endpointAddrs.clear();
        endpointPorts.clear();
        outboundAddrs = new DistinctCounter();
        outboundPorts = new DistinctCounter();
    }

    /** Bytes of counts and samples held: what the bound in the class comment is about (Java object headers aside). */
    int sizeBytes() {
        int bytes = protosByPeer.size() * (Long.BYTES + 1) + outboundAddrs.sizeBytes() + outboundPorts.sizeBytes();
        for (DistinctCounter c : endpointAddrs.values()) {
            bytes += Integer.BYTES + c.sizeBytes();
        }
        for (DistinctCounter c : endpointPorts.values()) {
            bytes += Integer.BYTES + c.sizeBytes();
        }
        return bytes + episode.samplePeers.size() * 16 + episode.samplePorts.length * Integer.BYTES;
    }
}
