package io.tapflow.jobs.detect;

import io.tapflow.schema.FlowRecord;

/**
 * What a flow record's TCP flags (the OR of every packet's flags, per direction) say about its handshake. The agent
 * keeps no payload length per flow, so "carried data" is read from PSH: a sender sets it on the segment that ends
 * each write, so a connection that moved data has it in at least one direction.
 */
final class TcpFlags {
    static final int TCP = 6;
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    private TcpFlags() {
    }

    /**
     * A scan probe, as Zeek's scan.zeek counts them: a TCP connection the initiator opened with a SYN that the
     * responder never accepted (no SYN-ACK: unanswered, or refused with a RST), or that was accepted but moved no
     * data (no PSH either way: a connect() scan's SYN, SYN-ACK, ACK, RST). Flows without the initiator's SYN are not
     * judged: they started before the capture (or the active-timeout slice), or are FIN/NULL/Xmas probes, which this
     * detector does not cover.
     */
    static boolean failedOrDataless(FlowRecord r) {
        if (r.getL4Proto() != TCP || (r.getTcpFlagsFwd() & SYN) == 0) {
            return false;
        }
        if ((r.getTcpFlagsRev() & SYN) == 0) {
            return true;
        }
        return ((r.getTcpFlagsFwd() | r.getTcpFlagsRev()) & PSH) == 0;
    }

    /**
     * A half-open attempt: the initiator sent a SYN and never an ACK, so the handshake did not complete whether the
     * victim answered (SYN-ACK to a spoofed source) or not (overwhelmed).
     */
    static boolean halfOpen(FlowRecord r) {
        return r.getL4Proto() == TCP && (r.getTcpFlagsFwd() & SYN) != 0 && (r.getTcpFlagsFwd() & ACK) == 0;
    }
}
