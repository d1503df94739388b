package io.tapflow.agent.bench.attack;

/**
 * Moves a repeat of a background capture onto addresses of its own, so that repeats overlapping in time stay
 * separate hosts: repeat {@code r} adds {@code r} (mod 256) to the second byte of every unicast outer address (IPv4
 * a.b.c.d → a.(b+r).c.d, IPv6 its fourth byte). Multicast, broadcast (x.x.x.255), unspecified and loopback addresses are
 * left alone, so they keep meaning what they meant. The IPv4 header checksum and a TCP or UDP checksum that follows
 * the IP header directly are updated incrementally (RFC 1624), so the frame stays valid. Addresses inside tunnels are
 * not moved: the inner flows of a tunnelled capture repeat with the same addresses.
 */
final class AddressShift {
    private static final int TCP = 6;
    private static final int UDP = 17;

    private AddressShift() {
    }

    /** Shifts the frame in place; {@code l3} is the outer IP header's offset (-1: nothing to do). */
    static void apply(byte[] f, int length, int l3, int repeat) {
        int delta = repeat & 0xFF;
        if (l3 < 0 || delta == 0 || l3 + 1 > length) {
            return;
        }
        int version = (f[l3] & 0xF0) >>> 4;
        if (version == 4 && l3 + 20 <= length) {
            int ihl = (f[l3] & 0x0F) * 4;
            int proto = f[l3 + 9] & 0xFF;
            boolean firstFragment = (BackgroundCapture.u16(f, l3 + 6) & 0x1FFF) == 0;
            int l4Checksum = l4ChecksumOffset(proto, l3 + ihl, length, firstFragment);
            for (int a = l3 + 12; a <= l3 + 16; a += 4) {
                int first = f[a] & 0xFF;
                if (first == 0 || first == 127 || first >= 224 || (f[a + 3] & 0xFF) == 255) {
                    continue;
                }
                shiftWord(f, a, delta, l3 + 10, l4Checksum, proto == UDP);
            }
        } else if (version == 6 && l3 + 40 <= length) {
            int next = f[l3 + 6] & 0xFF;
            int l4Checksum = l4ChecksumOffset(next, l3 + 40, length, true);
            for (int a = l3 + 8; a <= l3 + 24; a += 16) {
                if ((f[a] & 0xFF) == 0xFF || unspecifiedOrLoopback(f, a)) {
                    continue;
                }
                shiftWord(f, a + 2, delta, -1, l4Checksum, next == UDP);
            }
        }
    }

    /** Adds {@code delta} to the low byte of the 16-bit word at {@code off}, fixing the checksums that cover it. */
    private static void shiftWord(byte[] f, int off, int delta, int ipChecksum, int l4Checksum, boolean udp) {
        int before = BackgroundCapture.u16(f, off);
        int after = (before & 0xFF00) | ((before + delta) & 0xFF);
        SyntheticPackets.put16(f, off, after);
        if (ipChecksum >= 0) {
            fix(f, ipChecksum, before, after, false);
        }
        if (l4Checksum >= 0) {
            fix(f, l4Checksum, before, after, udp);
        }
    }

    /** RFC 1624, eq. 3: HC' = ~(~HC + ~m + m'). A UDP checksum of 0 means "none" and stays 0. */
    private static void fix(byte[] f, int at, int before, int after, boolean udp) {
        int hc = BackgroundCapture.u16(f, at);
        if (udp && hc == 0) {
            return;
        }
        int sum = (~hc & 0xFFFF) + (~before & 0xFFFF) + after;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        int updated = ~sum & 0xFFFF;
        SyntheticPackets.put16(f, at, udp && updated == 0 ? 0xFFFF : updated);
    }

    private static int l4ChecksumOffset(int proto, int l4, int length, boolean firstFragment) {
        if (!firstFragment) {
            return -1;
        }
        if (proto == TCP && l4 + 18 <= length) {
            return l4 + 16;
        }
        if (proto == UDP && l4 + 8 <= length) {
            return l4 + 6;
        }
        return -1;
    }

    private static boolean unspecifiedOrLoopback(byte[] f, int a) {
        for (int i = 0; i < 15; i++) {
            if (f[a + i] != 0) {
                return false;
            }
        }
        return f[a + 15] == 0 || f[a + 15] == 1;
    }
}
