package io.tapflow.agent.decode;

/**
 * The fields of one frame the flow table needs, filled in place by {@link PacketDecoder}; one instance per
 * capture thread, reused for every frame. Addresses are two longs each: IPv6 as is, IPv4 mapped as ::ffff:a.b.c.d.
 */
public final class DecodedPacket {
    public static final long IPV4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;

    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int srcPort;
    public int dstPort;
    public int protocol;
    public int tcpFlags;
    public int ttl;
    /** Outer and inner (QinQ) 802.1Q ids, 0 when absent. */
    public int vlanOuter;
    public int vlanInner;
    /** Top MPLS label, -1 when there is no label stack. */
    public int mplsLabel;
    public int mplsDepth;
    /** {@link io.tapflow.schema.TunnelType} ordinal of the outermost tunnel removed, 0 = none. */
    public int tunnelType;
    /** True for any IP fragment (first or not). */
    public boolean fragment;
    /** True for a fragment other than the first: its ports come from the fragment tracker. */
    public boolean laterFragment;
    public boolean moreFragments;
    public long fragmentId;
    /** L4 payload: offset in the frame's memory, bytes captured, and bytes on the wire. */
    public long payloadOffset;
    public int payloadCaptured;
    public int payloadLength;

    void clear() {
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        srcPort = dstPort = protocol = tcpFlags = ttl = 0;
        vlanOuter = vlanInner = 0;
        mplsLabel = -1;
        mplsDepth = 0;
        tunnelType = 0;
        fragment = laterFragment = moreFragments = false;
        fragmentId = 0;
        payloadOffset = 0;
        payloadCaptured = payloadLength = 0;
    }

    /** The fields only tags, tunnels, MPLS and fragments set, as {@link #clear} leaves them. */
    void resetRare() {
        vlanInner = 0;
        mplsLabel = -1;
        mplsDepth = 0;
        tunnelType = 0;
        fragment = laterFragment = moreFragments = false;
        fragmentId = 0;
    }

    void copyFrom(DecodedPacket o) {
        ipVersion = o.ipVersion;
        srcHi = o.srcHi;
        srcLo = o.srcLo;
        dstHi = o.dstHi;
        dstLo = o.dstLo;
        srcPort = o.srcPort;
        dstPort = o.dstPort;
        protocol = o.protocol;
        tcpFlags = o.tcpFlags;
        ttl = o.ttl;
        vlanOuter = o.vlanOuter;
        vlanInner = o.vlanInner;
        mplsLabel = o.mplsLabel;
        mplsDepth = o.mplsDepth;
        tunnelType = o.tunnelType;
        fragment = o.fragment;
        laterFragment = o.laterFragment;
        moreFragments = o.moreFragments;
        fragmentId = o.fragmentId;
        payloadOffset = o.payloadOffset;
        payloadCaptured = o.payloadCaptured;
        payloadLength = o.payloadLength;
    }
}
