package io.tapflow.agent.meter;

import io.tapflow.agent.decode.MalformedReason;

/** Cumulative counters of one meter; written by the capture thread only. */
public final class MeterCounters {
    public long packets;
    public long bytes;
    public long notIp;
    public long flowsExported;
    public long samples;
    /** Samples in which the pattern matcher found at least one signature. */
    public long samplesMatched;
    /**
     * Signature ids of samples that their flow had no room for (it keeps
     * {@link io.tapflow.agent.flow.FlowTable#SIGNATURES_PER_FLOW}); counted per sample. The samples still carry them.
     */
    public long signatureIdsDropped;
    public final long[] malformed = new long[MalformedReason.values().length];

    public long malformedTotal() {
        long sum = 0;
        for (long m : malformed) {
            sum += m;
        }
        return sum;
    }

    /** Adds {@code other} into this (totals over capture threads). */
    public void add(MeterCounters other) {
        packets += other.packets;
        bytes += other.bytes;
        notIp += other.notIp;
        flowsExported += other.flowsExported;
        samples += other.samples;
        samplesMatched += other.samplesMatched;
        signatureIdsDropped += other.signatureIdsDropped;
        for (int i = 0; i < malformed.length; i++) {
            malformed[i] += other.malformed[i];
        }
    }

    /** A copy, for deltas between flush cycles. */
    public MeterCounters snapshot() {
        MeterCounters c = new MeterCounters();
        c.packets = packets;
        c.bytes = bytes;
        c.notIp = notIp;
        c.flowsExported = flowsExported;
        c.samples = samples;
        c.samplesMatched = samplesMatched;
        c.signatureIdsDropped = signatureIdsDropped;
        System.arraycopy(malformed, 0, c.malformed, 0, malformed.length);
        return c;
    }
}
