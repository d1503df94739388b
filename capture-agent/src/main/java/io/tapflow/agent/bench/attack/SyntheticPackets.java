package io.tapflow.agent.bench.attack;

import java.util.Arrays;

/**
 * The injected attack packets, IPv4 TCP or UDP, kept as compact descriptors in parallel primitive arrays (about 24
 * bytes a packet) and turned into Ethernet frames only when written, in time order ({@link #timeOrder()}).
 */
final class SyntheticPackets {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    /** Packets are ordered by a sort key of (time << 24 | index). */
    static final int MAX_PACKETS = 1 << 24;
    private static final int ETHERNET = 14;
    private static final int IPV4 = 20;

    private long[] timeUs = new long[1024];
    private int[] src = new int[1024];
    private int[] dst = new int[1024];
    private int[] ports = new int[1024];
    /** proto (8 bits) | TCP flags (8 bits) | payload length (16 bits). */
    private int[] meta = new int[1024];
    private int size;
    private long minTimeUs = Long.MAX_VALUE;

    void tcp(long tUs, int srcAddr, int srcPort, int dstAddr, int dstPort, int flags, int payload) {
        add(tUs, srcAddr, srcPort, dstAddr, dstPort, TCP, flags, payload);
    }

    void udp(long tUs, int srcAddr, int srcPort, int dstAddr, int dstPort, int payload) {
        add(tUs, srcAddr, srcPort, dstAddr, dstPort, UDP, 0, payload);
    }

    private void add(long tUs, int srcAddr, int srcPort, int dstAddr, int dstPort, int proto, int flags, int payload) {
        if (payload < 0 || payload > 1460) {
            throw new IllegalArgumentException("payload must be 0-1460 bytes: " + payload);
        }
        if (size == MAX_PACKETS) {
            throw new IllegalStateException("more than " + MAX_PACKETS + " attack packets: fewer instances or events");
        }
        if (size == timeUs.length) {
            int n = size * 2;
            timeUs = Arrays.copyOf(timeUs, n);
            src = Arrays.copyOf(src, n);
            dst = Arrays.copyOf(dst, n);
            ports = Arrays.copyOf(ports, n);
            meta = Arrays.copyOf(meta, n);
        }
        timeUs[size] = tUs;
        src[size] = srcAddr;
        dst[size] = dstAddr;
        ports[size] = srcPort << 16 | dstPort;
        meta[size] = proto << 24 | flags << 16 | payload;
        minTimeUs = Math.min(minTimeUs, tUs);
        size++;
    }

    int size() {
        return size;
    }

    long timeUs(int i) {
        return timeUs[i];
    }

    /** Indexes in time order (ties in the order added), from one primitive sort. */
    int[] timeOrder() {
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) {
            long rel = timeUs[i] - minTimeUs;
            if (rel >= 1L << 39) {
                throw new IllegalStateException("attack packets span more than 2^39 µs (6 days)");
            }
            keys[i] = rel << 24 | i;
        }
        Arrays.sort(keys);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = (int) (keys[i] & (MAX_PACKETS - 1));
        }
        return order;
    }

    /**
     * Packet {@code i} as an Ethernet frame in {@code frame} (at least 1514 bytes): locally administered MACs made from
     * the addresses, IPv4 with its checksum, TCP or UDP with a correct checksum and a zero payload.
     *
     * @return the frame's length
     */
    int frame(int i, byte[] frame) {
        int proto = meta[i] >>> 24;
        int flags = (meta[i] >>> 16) & 0xFF;
        int payload = meta[i] & 0xFFFF;
        int s = src[i];
        int d = dst[i];
        int sport = ports[i] >>> 16;
        int dport = ports[i] & 0xFFFF;
        int l4 = proto == TCP ? 20 : 8;
        int ipLength = IPV4 + l4 + payload;
        int length = ETHERNET + ipLength;
        Arrays.fill(frame, 0, length, (byte) 0);
        putMac(frame, 0, d);
        putMac(frame, 6, s);
        put16(frame, 12, 0x0800);
        int ip = ETHERNET;
        frame[ip] = 0x45;
        put16(frame, ip + 2, ipLength);
        put16(frame, ip + 4, i & 0xFFFF); // identification
        put16(frame, ip + 6, 0x4000); // DF
        frame[ip + 8] = 64;
        frame[ip + 9] = (byte) proto;
        put32(frame, ip + 12, s);
        put32(frame, ip + 16, d);
        put16(frame, ip + 10, ~sum(frame, ip, IPV4, 0) & 0xFFFF);
        int t = ip + IPV4;
        put16(frame, t, sport);
        put16(frame, t + 2, dport);
        if (proto == TCP) {
            int isn = isn(s, sport, d, dport);
            put32(frame, t + 4, (flags & SYN) != 0 ? isn : isn + 1);
            if ((flags & ACK) != 0) {
                put32(frame, t + 8, isn(d, dport, s, sport) + 1);
            }
            frame[t + 12] = 0x50;
            frame[t + 13] = (byte) flags;
            put16(frame, t + 14, 64_240);
        } else {
            put16(frame, t + 4, 8 + payload);
        }
        int pseudo = (s >>> 16) + (s & 0xFFFF) + (d >>> 16) + (d & 0xFFFF) + proto + l4 + payload;
        int checksum = ~sum(frame, t, l4 + payload, pseudo) & 0xFFFF;
        put16(frame, t + (proto == TCP ? 16 : 6), proto == UDP && checksum == 0 ? 0xFFFF : checksum);
        return length;
    }

    /** A side's initial sequence number, from its end of the connection: the same for all its packets. */
    private static int isn(int addr, int port, int peer, int peerPort) {
        long h = (addr & 0xFFFF_FFFFL) * 0x9E3779B97F4A7C15L ^ (port * 31L + peerPort) * 0xC2B2AE3D27D4EB4FL ^ peer;
        return (int) (h ^ (h >>> 29));
    }

    /** The folded one's-complement sum of {@code length} bytes from {@code off}, plus {@code initial}. */
    static int sum(byte[] b, int off, int length, int initial) {
        long sum = initial;
        int end = off + length;
        int i = off;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        if (i < end) {
            sum += (b[i] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static void putMac(byte[] b, int off, int addr) {
        b[off] = 0x02;
        b[off + 1] = 0x00;
        put32(b, off + 2, addr);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
