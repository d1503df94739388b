package io.tapflow.agent.flow;

import io.tapflow.agent.decode.DecodedPacket;

/**
 * Gives later IP fragments the ports of their first fragment, so a fragmented datagram is counted in its own flow
 * (as pmacct does). A direct-mapped cache keyed by (addresses, protocol, IP id); a newer datagram overwrites an older
 * one on collision, and entries expire after the reassembly timeout. A later fragment whose first fragment was not
 * seen (lost, reordered, or garbage) keeps ports 0 and is counted as unmatched.
 */
public final class FragmentTracker {
    private final long[] tags;
    private final int[] ports;
    private final long[] seenNs;
    private final int mask;
    private final long timeoutNs;
    private long unmatched;

    public FragmentTracker(int entries, long timeoutNs) {
        int n = Integer.highestOneBit(Math.max(16, entries - 1)) << 1;
        tags = new long[n];
        ports = new int[n];
        seenNs = new long[n];
        mask = n - 1;
        this.timeoutNs = timeoutNs;
    }

    /** Call for every fragment after decoding: remembers first fragments, fills in the ports of later ones. */
    public void resolve(DecodedPacket p, long tsNs) {
        long tag = tag(p);
        int i = (int) tag & mask;
        if (!p.laterFragment) {
            tags[i] = tag;
            ports[i] = (p.srcPort << 16) | p.dstPort;
            seenNs[i] = tsNs;
            return;
        }
        if (tags[i] == tag && tsNs - seenNs[i] <= timeoutNs) {
            p.srcPort = ports[i] >>> 16;
            p.dstPort = ports[i] & 0xFFFF;
            seenNs[i] = tsNs;
        } else {
            unmatched++;
        }
    }

    public long unmatched() {
        return unmatched;
    }

    private static long tag(DecodedPacket p) {
        long h = p.srcHi * 0x9E3779B97F4A7C15L ^ p.srcLo;
        h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + p.dstHi;
        h = (h ^ (h >>> 31)) * 0x94D049BB133111EBL + p.dstLo;
        h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + (p.fragmentId << 8 | p.protocol);
        h ^= h >>> 32;
        return h == 0 ? 1 : h;
    }
}
