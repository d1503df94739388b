package io.tapflow.agent.decode;

import io.tapflow.agent.source.LinkType;
import io.tapflow.schema.TunnelType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Walks one frame from the link layer to L4 and fills a {@link DecodedPacket}: VLAN/QinQ, MPLS, PPPoE, IPv4 (options,
 * fragments), IPv6 (extension headers, fragments), TCP/UDP/SCTP/ICMP, and the tunnels GRE, VXLAN, GTP-U, IP-in-IP,
 * 6in4, 4in6: the innermost 5-tuple is the flow. Every length field is checked against both the captured bytes and
 * the enclosing header before use; a frame that fails a check is reported by {@link MalformedReason}, never thrown.
 * Reads the frame in place; allocates nothing. One instance per thread.
 */
public final class PacketDecoder {
    /** The frame carries an IP flow; the packet is filled in. */
    public static final int OK = -1;
    /** A valid frame without an IP flow (ARP, LLDP, STP, ...). */
    public static final int NOT_IP = -2;
    // Any value >= 0 is the ordinal of the MalformedReason.

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_QINQ = 0x88A8;
    static final int ETHERTYPE_QINQ_OLD = 0x9100;
    static final int ETHERTYPE_MPLS = 0x8847;
    static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
    static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
    static final int ETHERTYPE_TRANSPARENT_BRIDGING = 0x6558;
    static final int ETHERTYPE_PPP = 0x880B;
    static final int PPP_IPV4 = 0x0021;
    static final int PPP_IPV6 = 0x0057;

    static final int PROTO_ICMP = 1;
    static final int PROTO_IPIP = 4;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int PROTO_IPV6 = 41;
    static final int PROTO_GRE = 47;
    static final int PROTO_SCTP = 132;

    static final int PORT_VXLAN = 4789;
    static final int PORT_GTP_U = 2152;

    private static final int MAX_VLAN_TAGS = 8;
    private static final int MAX_MPLS_LABELS = 16;
    private static final int MAX_IPV6_EXTENSIONS = 16;
    private static final int MAX_TUNNEL_DEPTH = 4;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MemorySegment frame;
    /** What the outer packet looked like before a UDP/GRE tunnel was tried, to fall back to when the inner is bad. */
    private final DecodedPacket outer = new DecodedPacket();

    /**
     * @return {@link #OK}, {@link #NOT_IP}, or a {@link MalformedReason} ordinal
     */
    public int decode(MemorySegment data, long offset, int captured, int linkType, DecodedPacket p) {
        frame = data;
        if (linkType == LinkType.ETHERNET) {
            if (fastEthernet(data, offset, offset + captured, p) == OK) {
                return OK;
            }
            p.clear();
            return ethernet(offset, offset + captured, p, 0); // the common case, without the switch
        }
        p.clear();
        return link(offset, offset + captured, linkType, p, 0);
    }

    /** Returned by the fast path when the frame needs the general decoder. */
    private static final int SLOW = -3;

    /**
     * The common case in a few small methods the JIT inlines into {@link #decode}: Ethernet, at most one 802.1Q tag,
     * IPv4 without options or fragmentation or IPv6 without extension headers, TCP or UDP (not a tunnel port), all
     * headers fully captured and consistent. It fills every field of {@code p} exactly as {@link DecodedPacket#clear}
     * plus the general path would, with fewer, wider reads. Anything else, including any frame the general path
     * would call malformed, returns {@link #SLOW} before writing {@code p} and is decoded again from the start by
     * the general path, so the two cannot disagree.
     */
    private static int fastEthernet(MemorySegment f, long off, long end, DecodedPacket p) {
        if (end - off < 18) {
            return SLOW;
        }
        int type = f.get(U32, off + 12); // EtherType | first 2 bytes after it
        long ip = off + 14;
        int vlan = 0;
        if (type >>> 16 == ETHERTYPE_VLAN) {
            vlan = type & 0x0FFF;
            type = f.get(U32, off + 14) << 16;
            ip = off + 18;
        }
        return switch (type >>> 16) {
            case ETHERTYPE_IPV4 -> fastIpv4(f, ip, end, vlan, p);
            case ETHERTYPE_IPV6 -> fastIpv6(f, ip, end, vlan, p);
            default -> SLOW;
        };
    }

    private static int fastIpv4(MemorySegment f, long ip, long end, int vlan, DecodedPacket p) {
        if (end - ip < 34) { // 20 bytes of header + 14 of TCP (8 of UDP)
            return SLOW;
        }
        long w0 = f.get(U64, ip); // version/IHL | DSCP/ECN | total length | identification | flags/fragment offset
        long w1 = f.get(U64, ip + 8); // TTL | protocol | checksum | source
        long w2 = f.get(U64, ip + 16); // destination | source port | destination port
        long wireEnd = ip + ((w0 >>> 32) & 0xFFFF);
        // version 4, IHL 5 (no options); no fragment bits
        if ((w0 >>> 56) != 0x45 || (w0 & 0x3FFF) != 0
                || fastTcpUdp(f, ip + 20, Math.min(end, wireEnd), wireEnd, (int) (w1 >>> 48) & 0xFF, (int) w2, p) != OK) {
            return SLOW;
        }
        p.ipVersion = 4;
        p.srcHi = 0;
        p.srcLo = DecodedPacket.IPV4_MAPPED_PREFIX | (w1 & 0xFFFF_FFFFL);
        p.dstHi = 0;
        p.dstLo = DecodedPacket.IPV4_MAPPED_PREFIX | (w2 >>> 32);
        p.ttl = (int) (w1 >>> 56);
        p.vlanOuter = vlan;
        return OK;
    }

    private static int fastIpv6(MemorySegment f, long ip, long end, int vlan, DecodedPacket p) {
        if (end - ip < 54) { // 40 bytes of header + 14 of TCP (8 of UDP)
            return SLOW;
        }
        long w0 = f.get(U64, ip); // version | traffic class | flow label | payload length | next header | hop limit
        int payloadLength = (int) (w0 >>> 16) & 0xFFFF;
        long wireEnd = ip + 40 + payloadLength;
        // version 6; a payload length (0: jumbogram or TSO); next header TCP or UDP, checked by fastTcpUdp
        if ((w0 >>> 60) != 6 || payloadLength == 0
                || fastTcpUdp(f, ip + 40, Math.min(end, wireEnd), wireEnd, (int) (w0 >>> 8) & 0xFF, f.get(U32, ip + 40), p) != OK) {
            return SLOW;
        }
        p.ipVersion = 6;
        p.srcHi = f.get(U64, ip + 8);
        p.srcLo = f.get(U64, ip + 16);
        p.dstHi = f.get(U64, ip + 24);
        p.dstLo = f.get(U64, ip + 32);
        p.ttl = (int) w0 & 0xFF;
        p.vlanOuter = vlan;
        return OK;
    }

    /**
     * TCP or UDP at {@code l4} for the fast path; fills the L4 fields and those that only the general path sets, so
     * the caller needs to fill only the IP ones.
     *
     * @param ports the first 4 bytes at {@code l4}
     */
    private static int fastTcpUdp(MemorySegment f, long l4, long limit, long wireEnd, int protocol, int ports, DecodedPacket p) {
        if (limit - l4 < 14) {
            return SLOW;
        }
        int srcPort = ports >>> 16;
        int dstPort = ports & 0xFFFF;
        long payload;
        int flags = 0;
        if (protocol == PROTO_TCP) {
            int offsetAndFlags = f.get(U16, l4 + 12);
            int headerLength = (offsetAndFlags >>> 12) * 4;
            if (headerLength < 20 || headerLength > wireEnd - l4) {
                return SLOW;
            }
            flags = offsetAndFlags & 0xFF;
            payload = l4 + headerLength;
        } else if (protocol == PROTO_UDP && dstPort != PORT_VXLAN && srcPort != PORT_VXLAN && dstPort != PORT_GTP_U
                && srcPort != PORT_GTP_U) {
            payload = l4 + 8;
        } else {
            return SLOW;
        }
        p.srcPort = srcPort;
        p.dstPort = dstPort;
        p.protocol = protocol;
        p.tcpFlags = flags;
        p.resetRare();
        payload(payload, limit, wireEnd, p);
        return OK;
    }

    private int link(long off, long end, int linkType, DecodedPacket p, int depth) {
        switch (linkType) {
            case LinkType.ETHERNET:
                return ethernet(off, end, p, depth);
            case LinkType.LINUX_SLL:
                return end - off < 16 ? reason(MalformedReason.TRUNCATED_LINK_HEADER) : etherType(u16(off + 14), off + 16, end, p, depth);
            case LinkType.LINUX_SLL2:
                return end - off < 20 ? reason(MalformedReason.TRUNCATED_LINK_HEADER) : etherType(u16(off), off + 20, end, p, depth);
            case LinkType.RAW, LinkType.RAW_OPENBSD, LinkType.RAW_BSDOS:
                return ipByVersion(off, end, p, depth);
            case LinkType.IPV4:
                return ipv4(off, end, p, depth);
            case LinkType.IPV6:
                return ipv6(off, end, p, depth);
            case LinkType.NULL, LinkType.LOOP:
                return loopback(off, end, linkType, p, depth);
            case LinkType.PPP, LinkType.PPP_HDLC:
                return ppp(off, end, p, depth);
            case LinkType.C_HDLC:
                return end - off < 4 ? reason(MalformedReason.TRUNCATED_LINK_HEADER) : etherType(u16(off + 2), off + 4, end, p, depth);
            default:
                return NOT_IP;
        }
    }

    /** BSD loopback: a 4-byte address family in the capturing host's byte order (NULL) or network order (LOOP). */
    private int loopback(long off, long end, int linkType, DecodedPacket p, int depth) {
        if (end - off < 4) {
            return reason(MalformedReason.TRUNCATED_LINK_HEADER);
        }
        int family = frame.get(U32, off);
        if (linkType == LinkType.NULL && (family & 0xFFFF) == 0) {
            family = Integer.reverseBytes(family);
        }
        return switch (family) {
            case 2 -> ipv4(off + 4, end, p, depth);
            case 10, 23, 24, 28, 30 -> ipv6(off + 4, end, p, depth); // AF_INET6 on Linux, Windows, BSDs, Darwin
            default -> NOT_IP;
        };
    }

    /** PPP: optional address/control bytes FF 03, then a 1- or 2-byte protocol field. */
    private int ppp(long off, long end, DecodedPacket p, int depth) {
        if (end - off >= 2 && u8(off) == 0xFF && u8(off + 1) == 0x03) {
            off += 2;
        }
        if (end - off < 1) {
            return reason(MalformedReason.TRUNCATED_LINK_HEADER);
        }
        int protocol;
        if ((u8(off) & 1) == 1) { // protocol-field compression: one byte
            protocol = u8(off);
            off += 1;
        } else {
            if (end - off < 2) {
                return reason(MalformedReason.TRUNCATED_LINK_HEADER);
            }
            protocol = u16(off);
            off += 2;
        }
        return pppPayload(protocol, off, end, p, depth);
    }

    private int pppPayload(int protocol, long off, long end, DecodedPacket p, int depth) {
        return switch (protocol) {
            case PPP_IPV4 -> ipv4(off, end, p, depth);
            case PPP_IPV6 -> ipv6(off, end, p, depth);
            default -> NOT_IP;
        };
    }

    /**
     * <pre>0 destination MAC | 6 source MAC | 12 EtherType (or 802.3 length <= 1500, then LLC/SNAP) | 14 payload</pre>
     */
    private int ethernet(long off, long end, DecodedPacket p, int depth) {
        if (end - off < 14) {
            return reason(MalformedReason.TRUNCATED_LINK_HEADER);
        }
        int type = u16(off + 12);
        if (type <= 1500) { // 802.3 frame: only LLC/SNAP carries an EtherType
            if (end - off >= 22 && u8(off + 14) == 0xAA && u8(off + 15) == 0xAA) {
                return etherType(u16(off + 20), off + 22, end, p, depth);
            }
            return NOT_IP;
        }
        return etherType(type, off + 14, end, p, depth);
    }

    private int etherType(int type, long off, long end, DecodedPacket p, int depth) {
        if (type == ETHERTYPE_IPV4) {
            return ipv4(off, end, p, depth); // the common case, without the switch
        }
        int tags = 0;
        while (true) {
            switch (type) {
                case ETHERTYPE_VLAN, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD -> {
                    // 0 TCI (PCP 3 | DEI 1 | VID 12) | 2 inner EtherType
                    if (end - off < 4) {
                        return reason(MalformedReason.TRUNCATED_LINK_HEADER);
                    }
                    if (++tags > MAX_VLAN_TAGS) {
                        return reason(MalformedReason.VLAN_STACK_TOO_DEEP);
                    }
                    int vid = u16(off) & 0x0FFF;
                    if (depth == 0 && tags == 1) {
                        p.vlanOuter = vid;
                    } else if (depth == 0 && tags == 2) {
                        p.vlanInner = vid;
                    }
                    type = u16(off + 2);
                    off += 4;
                }
                case ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST -> {
                    return mpls(off, end, p, depth);
                }
                case ETHERTYPE_PPPOE_SESSION -> {
                    // 0 ver/type | 1 code | 2 session id | 4 length | 6 PPP protocol
                    if (end - off < 8) {
                        return reason(MalformedReason.TRUNCATED_LINK_HEADER);
                    }
                    return pppPayload(u16(off + 6), off + 8, end, p, depth);
                }
                case ETHERTYPE_IPV4 -> {
                    return ipv4(off, end, p, depth);
                }
                case ETHERTYPE_IPV6 -> {
                    return ipv6(off, end, p, depth);
                }
                default -> {
                    return NOT_IP;
                }
            }
        }
    }

    /** MPLS label stack entries: label 20 | TC 3 | bottom-of-stack 1 | TTL 8. The payload type is guessed from its first nibble. */
    private int mpls(long off, long end, DecodedPacket p, int depth) {
        int labels = 0;
        while (true) {
            if (end - off < 4) {
                return reason(MalformedReason.TRUNCATED_LINK_HEADER);
            }
            if (++labels > MAX_MPLS_LABELS) {
                return reason(MalformedReason.MPLS_STACK_TOO_DEEP);
            }
            int entry = frame.get(U32, off);
            if (depth == 0 && labels == 1) {
                p.mplsLabel = entry >>> 12;
            }
            off += 4;
            if ((entry & 0x100) != 0) {
                break;
            }
        }
        if (depth == 0) {
            p.mplsDepth = labels;
        }
        if (end - off < 1) {
            return reason(MalformedReason.TRUNCATED_IP_HEADER);
        }
        return switch (u8(off) >>> 4) {
            case 4 -> ipv4(off, end, p, depth);
            case 6 -> ipv6(off, end, p, depth);
            case 0 -> end - off < 4 ? NOT_IP : ethernet(off + 4, end, p, depth); // pseudowire control word + Ethernet
            default -> NOT_IP;
        };
    }

    private int ipByVersion(long off, long end, DecodedPacket p, int depth) {
        if (end - off < 1) {
            return reason(MalformedReason.TRUNCATED_IP_HEADER);
        }
        return switch (u8(off) >>> 4) {
            case 4 -> ipv4(off, end, p, depth);
            case 6 -> ipv6(off, end, p, depth);
            default -> reason(MalformedReason.BAD_IP_VERSION);
        };
    }

    /**
     * <pre>
     * 0 version 4 | IHL 4 | 1 DSCP/ECN | 2 total length | 4 identification | 6 flags 3 | fragment offset 13
     * 8 TTL | 9 protocol | 10 checksum | 12 source | 16 destination | 20 options (IHL*4 - 20)
     * </pre>
     */
    private int ipv4(long off, long end, DecodedPacket p, int depth) {
        long captured = end - off;
        if (captured < 20) {
            return reason(MalformedReason.TRUNCATED_IP_HEADER);
        }
        // Two wide reads instead of one per field: bytes 0-7 and 8-15 of the header.
        long w0 = frame.get(U64, off); // version/IHL | DSCP/ECN | total length | identification | flags/fragment offset
        long w1 = frame.get(U64, off + 8); // TTL | protocol | checksum | source
        int b0 = (int) (w0 >>> 56);
        if (b0 >>> 4 != 4) {
            return reason(MalformedReason.BAD_IP_VERSION);
        }
        int headerLength = (b0 & 0x0F) * 4;
        if (headerLength < 20) {
            return reason(MalformedReason.BAD_IP_HEADER_LENGTH);
        }
        if (headerLength > captured) {
            return reason(MalformedReason.TRUNCATED_IP_HEADER);
        }
        int totalLength = (int) (w0 >>> 32) & 0xFFFF;
        if (totalLength == 0 && depth == 0) {
            totalLength = (int) Math.min(captured, 65535); // TSO/GRO capture: the NIC fills the length in later
        }
        if (totalLength < headerLength) {
            return reason(MalformedReason.BAD_IP_TOTAL_LENGTH);
        }
        p.ipVersion = 4;
        p.srcHi = 0;
        p.srcLo = DecodedPacket.IPV4_MAPPED_PREFIX | (w1 & 0xFFFF_FFFFL);
        p.dstHi = 0;
        p.dstLo = DecodedPacket.IPV4_MAPPED_PREFIX | (frame.get(U32, off + 16) & 0xFFFF_FFFFL);
        int protocol = (int) (w1 >>> 48) & 0xFF;
        p.protocol = protocol;
        p.ttl = (int) (w1 >>> 56);
        p.srcPort = p.dstPort = 0;
        int fragment = (int) w0 & 0xFFFF;
        long wireEnd = off + totalLength;
        long limit = Math.min(end, wireEnd);
        if ((fragment & 0x3FFF) != 0) {
            p.fragment = true;
            p.moreFragments = (fragment & 0x2000) != 0;
            p.fragmentId = (int) (w0 >>> 16) & 0xFFFF;
            if ((fragment & 0x1FFF) != 0) {
                p.laterFragment = true;
                return OK;
            }
        }
        return l4(protocol, off + headerLength, limit, wireEnd, p, depth);
    }

    /**
     * <pre>
     * 0 version 4 | traffic class 8 | flow label 20 | 4 payload length | 6 next header | 7 hop limit
     * 8 source (16) | 24 destination (16) | 40 extension headers, then L4
     * </pre>
     */
    private int ipv6(long off, long end, DecodedPacket p, int depth) {
        long captured = end - off;
        if (captured < 40) {
            return reason(MalformedReason.TRUNCATED_IP_HEADER);
        }
        long w0 = frame.get(U64, off); // version | traffic class | flow label | payload length | next header | hop limit
        if ((int) (w0 >>> 60) != 6) {
            return reason(MalformedReason.BAD_IP_VERSION);
        }
        int payloadLength = (int) (w0 >>> 16) & 0xFFFF;
        long wireEnd = payloadLength == 0 ? end : off + 40 + payloadLength; // 0: jumbogram or TSO
        long limit = Math.min(end, wireEnd);
        p.ipVersion = 6;
        p.srcHi = frame.get(U64, off + 8);
        p.srcLo = frame.get(U64, off + 16);
        p.dstHi = frame.get(U64, off + 24);
        p.dstLo = frame.get(U64, off + 32);
        p.ttl = (int) w0 & 0xFF;
        p.srcPort = p.dstPort = 0;
        int next = (int) (w0 >>> 8) & 0xFF;
        long cur = off + 40;
        for (int i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
            switch (next) {
                case 0, 43, 60, 135, 139, 140 -> { // hop-by-hop, routing, destination options, mobility, HIP, shim6
                    if (limit - cur < 8) {
                        return extensionError(cur, limit, wireEnd);
                    }
                    next = u8(cur);
                    cur += (u8(cur + 1) + 1) * 8L;
                }
                case 51 -> { // authentication header: length in 4-byte units, minus 2
                    if (limit - cur < 8) {
                        return extensionError(cur, limit, wireEnd);
                    }
                    next = u8(cur);
                    cur += (u8(cur + 1) + 2) * 4L;
                }
                case 44 -> { // fragment: 0 next | 1 reserved | 2 offset 13 | res 2 | M 1 | 4 identification
                    if (limit - cur < 8) {
                        return extensionError(cur, limit, wireEnd);
                    }
                    next = u8(cur);
                    int offsetAndFlags = u16(cur + 2);
                    p.fragment = true;
                    p.moreFragments = (offsetAndFlags & 1) != 0;
                    p.fragmentId = frame.get(U32, cur + 4) & 0xFFFF_FFFFL;
                    cur += 8;
                    if ((offsetAndFlags >>> 3) != 0) {
                        p.protocol = next;
                        p.laterFragment = true;
                        return OK;
                    }
                }
                default -> {
                    if (cur > wireEnd) {
                        return reason(MalformedReason.BAD_IPV6_EXTENSION_HEADER);
                    }
                    p.protocol = next;
                    return l4(next, cur, limit, wireEnd, p, depth);
                }
            }
        }
        return reason(MalformedReason.BAD_IPV6_EXTENSION_HEADER);
    }

    private static int extensionError(long cur, long limit, long wireEnd) {
        return reason(limit < wireEnd ? MalformedReason.TRUNCATED_L4_HEADER : MalformedReason.BAD_IPV6_EXTENSION_HEADER);
    }

    /** {@code limit}: end of the captured bytes of this IP packet; {@code wireEnd}: its end on the wire. */
    private int l4(int protocol, long off, long limit, long wireEnd, DecodedPacket p, int depth) {
        switch (protocol) {
            case PROTO_TCP: {
                // 0 source port | 2 destination port | 4 seq | 8 ack | 12 data offset 4 | 13 flags | 14 window ...
                if (wireEnd - off < 20) {
                    return reason(MalformedReason.BAD_TCP_HEADER_LENGTH);
                }
                if (limit - off < 14) {
                    return reason(MalformedReason.TRUNCATED_L4_HEADER);
                }
                int offsetAndFlags = u16(off + 12);
                int headerLength = (offsetAndFlags >>> 12) * 4;
                if (headerLength < 20 || headerLength > wireEnd - off) {
                    return reason(MalformedReason.BAD_TCP_HEADER_LENGTH);
                }
                int ports = frame.get(U32, off);
                p.srcPort = ports >>> 16;
                p.dstPort = ports & 0xFFFF;
                p.tcpFlags = offsetAndFlags & 0xFF;
                payload(off + headerLength, limit, wireEnd, p);
                return OK;
            }
            case PROTO_UDP: {
                // 0 source port | 2 destination port | 4 length | 6 checksum
                if (wireEnd - off < 8) {
                    return reason(MalformedReason.BAD_UDP_LENGTH);
                }
                if (limit - off < 8) {
                    return reason(MalformedReason.TRUNCATED_L4_HEADER);
                }
                int ports = frame.get(U32, off);
                p.srcPort = ports >>> 16;
                p.dstPort = ports & 0xFFFF;
                payload(off + 8, limit, wireEnd, p);
                if (depth < MAX_TUNNEL_DEPTH && !p.fragment) {
                    if (p.dstPort == PORT_VXLAN || p.srcPort == PORT_VXLAN) {
                        return vxlan(off + 8, limit, p, depth);
                    }
                    if (p.dstPort == PORT_GTP_U || p.srcPort == PORT_GTP_U) {
                        return gtpU(off + 8, limit, p, depth);
                    }
                }
                return OK;
            }
            case PROTO_SCTP: {
                if (limit - off < 12) {
                    return reason(limit < wireEnd ? MalformedReason.TRUNCATED_L4_HEADER : MalformedReason.BAD_IP_TOTAL_LENGTH);
                }
                p.srcPort = u16(off);
                p.dstPort = u16(off + 2);
                payload(off + 12, limit, wireEnd, p);
                return OK;
            }
            case PROTO_IPIP:
                if (p.fragment) {
                    return OK;
                }
                return tunnelIp(off, limit, p, depth, p.ipVersion == 4 ? TunnelType.IP_IN_IP : TunnelType.IPV4_IN_IPV6, 4);
            case PROTO_IPV6:
                if (p.fragment) {
                    return OK;
                }
                return tunnelIp(off, limit, p, depth, p.ipVersion == 4 ? TunnelType.IPV6_IN_IPV4 : TunnelType.IPV6_IN_IPV6, 6);
            case PROTO_GRE:
                if (p.fragment || depth >= MAX_TUNNEL_DEPTH) {
                    return OK;
                }
                return gre(off, limit, p, depth);
            default:
                // ICMP, ICMPv6, ESP, IGMP, ...: no ports; the flow is keyed on the addresses alone
                return OK;
        }
    }

    private static void payload(long start, long limit, long wireEnd, DecodedPacket p) {
        p.payloadOffset = start;
        p.payloadLength = (int) Math.max(0, wireEnd - start);
        p.payloadCaptured = (int) Math.max(0, Math.min(limit, wireEnd) - start);
    }

    /** IP directly inside IP: the inner header must be valid, or the frame is malformed. */
    private int tunnelIp(long off, long limit, DecodedPacket p, int depth, TunnelType type, int version) {
        if (depth >= MAX_TUNNEL_DEPTH) {
            return reason(MalformedReason.TUNNEL_TOO_DEEP);
        }
        markTunnel(p, type);
        return version == 4 ? ipv4(off, limit, p, depth + 1) : ipv6(off, limit, p, depth + 1);
    }

    /**
     * GRE (RFC 2784/2890) and enhanced GRE (PPTP, RFC 2637).
     * <pre>0 C R K S s Recur A Flags Ver(3) | 2 protocol type | [checksum+reserved] [key] [sequence] [ack]</pre>
     * An unknown payload keeps the outer GRE flow.
     */
    private int gre(long off, long limit, DecodedPacket p, int depth) {
        if (limit - off < 4) {
            return OK;
        }
        int flags = u16(off);
        int version = flags & 7;
        int protocol = u16(off + 2);
        long header = 4;
        if (version == 0) {
            if ((flags & 0x8000) != 0 || (flags & 0x4000) != 0) {
                header += 4;
            }
            if ((flags & 0x4000) != 0) {
                return OK; // source routing (RFC 1701): obsolete, not decapsulated
            }
            if ((flags & 0x2000) != 0) {
                header += 4;
            }
            if ((flags & 0x1000) != 0) {
                header += 4;
            }
        } else if (version == 1) {
            header += 4; // key (payload length + call id) is mandatory
            if ((flags & 0x1000) != 0) {
                header += 4;
            }
            if ((flags & 0x0080) != 0) {
                header += 4;
            }
        } else {
            return OK;
        }
        long inner = off + header;
        if (inner >= limit) {
            return OK;
        }
        outer.copyFrom(p);
        markTunnel(p, TunnelType.GRE);
        int result = switch (protocol) {
            case ETHERTYPE_IPV4 -> ipv4(inner, limit, p, depth + 1);
            case ETHERTYPE_IPV6 -> ipv6(inner, limit, p, depth + 1);
            case ETHERTYPE_TRANSPARENT_BRIDGING -> ethernet(inner, limit, p, depth + 1);
            case ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST -> mpls(inner, limit, p, depth + 1);
            case ETHERTYPE_PPP -> ppp(inner, limit, p, depth + 1);
            default -> NOT_IP;
        };
        return fallBackUnlessOk(result, p);
    }

    /** VXLAN (RFC 7348): 0 flags (I = 0x08) | 1 reserved 3 | 4 VNI 3 | 7 reserved, then an Ethernet frame. */
    private int vxlan(long off, long limit, DecodedPacket p, int depth) {
        if (limit - off < 8 + 14 || (u8(off) & 0x08) == 0) {
            return OK;
        }
        outer.copyFrom(p);
        markTunnel(p, TunnelType.VXLAN);
        return fallBackUnlessOk(ethernet(off + 8, limit, p, depth + 1), p);
    }

    /**
     * GTP-U v1 (3GPP TS 29.281): 0 flags (version 3 | PT 1 | * | E | S | PN) | 1 message type (0xFF = T-PDU) |
     * 2 length | 4 TEID | [8 sequence 2 | 10 N-PDU 1 | 11 next extension type] [extension headers], then IP.
     */
    private int gtpU(long off, long limit, DecodedPacket p, int depth) {
        if (limit - off < 8) {
            return OK;
        }
        int flags = u8(off);
        if ((flags >>> 5) != 1 || (flags & 0x10) == 0 || u8(off + 1) != 0xFF) {
            return OK;
        }
        long cur = off + 8;
        if ((flags & 0x07) != 0) {
            if (limit - cur < 4) {
                return OK;
            }
            int nextExtension = (flags & 0x04) != 0 ? u8(cur + 3) : 0; // read only with the E flag (TS 29.281 §5.1)
            cur += 4;
            while (nextExtension != 0) {
                if (limit - cur < 4) {
                    return OK;
                }
                int length = u8(cur) * 4;
                if (length == 0 || limit - cur < length) {
                    return OK;
                }
                nextExtension = u8(cur + length - 1);
                cur += length;
            }
        }
        if (limit - cur < 1) {
            return OK;
        }
        int version = u8(cur) >>> 4;
        if (version != 4 && version != 6) {
            return OK;
        }
        outer.copyFrom(p);
        markTunnel(p, TunnelType.GTP_U);
        int result = version == 4 ? ipv4(cur, limit, p, depth + 1) : ipv6(cur, limit, p, depth + 1);
        return fallBackUnlessOk(result, p);
    }

    /** A UDP/GRE payload that looked like a tunnel but does not decode stays the outer flow. */
    private int fallBackUnlessOk(int result, DecodedPacket p) {
        if (result == OK) {
            return OK;
        }
        p.copyFrom(outer);
        return OK;
    }

    private static void markTunnel(DecodedPacket p, TunnelType type) {
        if (p.tunnelType == 0) {
            p.tunnelType = type.ordinal();
        }
    }

    private static int reason(MalformedReason r) {
        return r.ordinal();
    }

    private int u8(long off) {
        return frame.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    private int u16(long off) {
        return frame.get(U16, off) & 0xFFFF;
    }
}
