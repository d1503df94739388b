package io.tapflow.classifier.dissect;

/**
 * The bytes a dissector sees, reused for every packet of a thread. For UDP, one datagram; for TCP, the direction's
 * payload stream from its first byte up to the classifier's reassembly limit (so a ClientHello split over segments
 * parses as one). Ports are the flow initiator's ({@code clientPort}) and the responder's ({@code serverPort}).
 */
public final class Packet {
    public static final int TO_SERVER = 0;
    public static final int TO_CLIENT = 1;

    public byte[] buf;
    public int off;
    public int len;
    /** {@link #TO_SERVER} (initiator → responder) or {@link #TO_CLIENT}. */
    public int dir;
    public int l4proto;
    public int clientPort;
    public int serverPort;
    /** 0-based count of payload packets seen before this one in this direction. */
    public int indexInDir;
    /** Payload packets seen so far in the other direction. */
    public int otherDirPackets;
    /** Length of this packet's own payload (for TCP, the newest segment at the end of the stream). */
    public int segmentLen;
    /** Index of the calling dissector's two scratch longs in {@link Findings#state}. */
    public int state;

    public int end() {
        return off + len;
    }

    public boolean tcp() {
        return l4proto == 6;
    }

    public boolean udp() {
        return l4proto == 17;
    }

    /** True if either port is {@code port}. */
    public boolean port(int port) {
        return clientPort == port || serverPort == port;
    }

    public int srcPort() {
        return dir == TO_SERVER ? clientPort : serverPort;
    }

    public int dstPort() {
        return dir == TO_SERVER ? serverPort : clientPort;
    }
}
