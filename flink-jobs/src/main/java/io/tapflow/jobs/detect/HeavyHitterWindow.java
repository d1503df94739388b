package io.tapflow.jobs.detect;

/**
 * One link's open heavy-hitter window: four {@link SpaceSaving} sketches (source and destination address, by bytes
 * and by packets) and the flows folded in. A Flink POJO.
 */
public final class HeavyHitterWindow {
    public long startMs;
    public long flows;
    public SpaceSaving srcBytes;
    public SpaceSaving srcPackets;
    public SpaceSaving dstBytes;
    public SpaceSaving dstPackets;

    public HeavyHitterWindow() {
    }

    HeavyHitterWindow(long startMs, int counters) {
        this.startMs = startMs;
        srcBytes = new SpaceSaving(counters);
        srcPackets = new SpaceSaving(counters);
        dstBytes = new SpaceSaving(counters);
        dstPackets = new SpaceSaving(counters);
    }

    /**
     * A flow's packets as the link carried them: its source sent the forward direction and received the reverse
     * one, its destination the other way round.
     */
    void add(long srcHi, long srcLo, long dstHi, long dstLo, long bytesFwd, long bytesRev, long packetsFwd, long packetsRev) {
        flows++;
        srcBytes.add(srcHi, srcLo, bytesFwd);
        srcPackets.add(srcHi, srcLo, packetsFwd);
        dstBytes.add(dstHi, dstLo, bytesFwd);
        dstPackets.add(dstHi, dstLo, packetsFwd);
        if (packetsRev > 0) {
            srcBytes.add(dstHi, dstLo, bytesRev);
            srcPackets.add(dstHi, dstLo, packetsRev);
            dstBytes.add(srcHi, srcLo, bytesRev);
            dstPackets.add(srcHi, srcLo, packetsRev);
        }
    }

    int sizeBytes() {
        return srcBytes.sizeBytes() + srcPackets.sizeBytes() + dstBytes.sizeBytes() + dstPackets.sizeBytes();
    }
}
