package io.tapflow.agent.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds frames byte by byte for decoder tests, from the inside out: a layer takes the bytes it carries and returns
 * them behind its header, so every length field is filled in from what follows. Checksums stay zero (the decoder never
 * reads them). Addresses are literals only; nothing is resolved.
 */
public final class Frames {
    private Frames() {
    }

    /** A growable big-endian byte writer. */
    public static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Bytes u8(int v) {
            out.write(v);
            return this;
        }

        public Bytes u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        public Bytes u24(int v) {
            return u8(v >>> 16).u16(v);
        }

        public Bytes u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v);
        }

        public Bytes bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        public Bytes zeros(int n) {
            return bytes(new byte[n]);
        }

        public byte[] build() {
            return out.toByteArray();
        }
    }

    public static Bytes bytes() {
        return new Bytes();
    }

    public static byte[] cat(byte[]... parts) {
        Bytes b = new Bytes();
        for (byte[] p : parts) {
            b.bytes(p);
        }
        return b.build();
    }

    public static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    public static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    // ---- L4 ----

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    /** TCP with a 20-byte header (data offset 5). */
    public static byte[] tcp(int srcPort, int dstPort, int flags, byte[] payload) {
        return tcp(srcPort, dstPort, flags, 5, new byte[0], payload);
    }

    /** TCP with an explicit data offset (in 4-byte words) and option bytes. */
    public static byte[] tcp(int srcPort, int dstPort, int flags, int dataOffsetWords, byte[] options, byte[] payload) {
        return bytes().u16(srcPort).u16(dstPort).u32(1000).u32(0).u8(dataOffsetWords << 4).u8(flags).u16(65535)
                .u16(0).u16(0).bytes(options).bytes(payload).build();
    }

    public static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        return bytes().u16(srcPort).u16(dstPort).u16(8 + payload.length).u16(0).bytes(payload).build();
    }

    /** SCTP common header (12 bytes) then the chunks given as payload. */
    public static byte[] sctp(int srcPort, int dstPort, byte[] chunks) {
        return bytes().u16(srcPort).u16(dstPort).u32(0xCAFEBABEL).u32(0).bytes(chunks).build();
    }

    /** ICMP or ICMPv6 echo request. */
    public static byte[] icmpEcho(int type, byte[] data) {
        return bytes().u8(type).u8(0).u16(0).u16(0x1234).u16(1).bytes(data).build();
    }

    // ---- IP ----

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_IPIP = 4;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_IPV6 = 41;
    public static final int PROTO_GRE = 47;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_SCTP = 132;

    public static byte[] ipv4(int protocol, String src, String dst, byte[] payload) {
        return ipv4(protocol, src, dst, new byte[0], 0x4000, 0x1111, payload); // DF set
    }

    /**
     * @param options   option bytes, a multiple of 4
     * @param flagsFrag flags (3 bits) and fragment offset (13 bits, in 8-byte units)
     */
    public static byte[] ipv4(int protocol, String src, String dst, byte[] options, int flagsFrag, int id, byte[] payload) {
        if (options.length % 4 != 0) {
            throw new IllegalArgumentException("IPv4 options must be padded to 4 bytes: " + options.length);
        }
        int headerLength = 20 + options.length;
        return bytes().u8(0x40 | headerLength / 4).u8(0).u16(headerLength + payload.length).u16(id).u16(flagsFrag)
                .u8(64).u8(protocol).u16(0).bytes(addr(src)).bytes(addr(dst)).bytes(options).bytes(payload).build();
    }

    public static byte[] ipv6(int nextHeader, String src, String dst, byte[] payload) {
        return bytes().u32(0x6000_0000L).u16(payload.length).u8(nextHeader).u8(64).bytes(addr(src)).bytes(addr(dst))
                .bytes(payload).build();
    }

    /** A generic IPv6 extension header (hop-by-hop, routing, destination options): 8 bytes, PadN filled. */
    public static byte[] ipv6Options(int nextHeader, byte[] payload) {
        return bytes().u8(nextHeader).u8(0).u8(1).u8(4).u32(0).bytes(payload).build();
    }

    /** IPv6 fragment extension header; {@code offset} in 8-byte units. */
    public static byte[] ipv6Fragment(int nextHeader, int offset, boolean more, long id, byte[] payload) {
        return bytes().u8(nextHeader).u8(0).u16(offset << 3 | (more ? 1 : 0)).u32(id).bytes(payload).build();
    }

    // ---- link layers ----

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88A8;
    public static final int ETHERTYPE_MPLS = 0x8847;
    public static final int ETHERTYPE_PPPOE = 0x8864;
    public static final int ETHERTYPE_TEB = 0x6558;
    public static final int ETHERTYPE_PPP = 0x880B;

    private static final byte[] DST_MAC = {0x02, 0, 0, 0, 0, 0x01};
    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x02};

    public static byte[] ethernet(int etherType, byte[] payload) {
        return bytes().bytes(DST_MAC).bytes(SRC_MAC).u16(etherType).bytes(payload).build();
    }

    /** One 802.1Q/802.1ad tag: TCI (priority 0) then the EtherType of what follows. */
    public static byte[] vlanTag(int vid, int innerEtherType, byte[] payload) {
        return bytes().u16(vid & 0x0FFF).u16(innerEtherType).bytes(payload).build();
    }

    /** An MPLS label stack entry; {@code bottom} sets the S bit. */
    public static byte[] mpls(int label, boolean bottom, byte[] payload) {
        return bytes().u32(((long) label << 12) | (bottom ? 0x100 : 0) | 64).bytes(payload).build();
    }

    /** PPPoE session header (6 bytes) and the 2-byte PPP protocol. */
    public static byte[] pppoe(int pppProtocol, byte[] payload) {
        return bytes().u8(0x11).u8(0).u16(0x0042).u16(payload.length + 2).u16(pppProtocol).bytes(payload).build();
    }

    /** Linux cooked capture v1: packet type, ARPHRD, address length, 8 address bytes, protocol. */
    public static byte[] sll(int protocol, byte[] payload) {
        return bytes().u16(0).u16(1).u16(6).bytes(SRC_MAC).u16(0).u16(protocol).bytes(payload).build();
    }

    /** Linux cooked capture v2: protocol, reserved, ifindex, ARPHRD, packet type, address length, 8 address bytes. */
    public static byte[] sll2(int protocol, byte[] payload) {
        return bytes().u16(protocol).u16(0).u32(3).u16(1).u8(4).u8(6).bytes(SRC_MAC).u16(0).bytes(payload).build();
    }

    /** BSD loopback header: the address family as a 32-bit integer in the given byte order. */
    public static byte[] loopback(int family, boolean littleEndian, byte[] payload) {
        int f = littleEndian ? Integer.reverseBytes(family) : family;
        return bytes().u32(f & 0xFFFF_FFFFL).bytes(payload).build();
    }

    // ---- tunnels ----

    /** GRE version 0 with a key. */
    public static byte[] greWithKey(int protocol, long key, byte[] payload) {
        return bytes().u16(0x2000).u16(protocol).u32(key).bytes(payload).build();
    }

    /** Enhanced GRE (version 1, PPTP): key (payload length, call id) and a sequence number. */
    public static byte[] grePptp(int callId, long sequence, byte[] payload) {
        return bytes().u16(0x3001).u16(ETHERTYPE_PPP).u16(payload.length).u16(callId).u32(sequence).bytes(payload).build();
    }

    public static byte[] vxlan(int vni, byte[] innerFrame) {
        return bytes().u8(0x08).u24(0).u24(vni).u8(0).bytes(innerFrame).build();
    }

    /** GTP-U T-PDU with one PDU session container extension header (type 0x85, 4 bytes). */
    public static byte[] gtpuWithExtension(long teid, byte[] innerIp) {
        byte[] tail = bytes().u16(0).u8(0).u8(0x85) // sequence, N-PDU, next extension type
                .u8(1).u8(0x10).u8(0x09).u8(0) // extension: length 1 (4 bytes), QFI content, next type 0
                .bytes(innerIp).build();
        return bytes().u8(0x34).u8(0xFF).u16(tail.length).u32(teid).bytes(tail).build();
    }
}
