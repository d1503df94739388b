package io.tapflow.agent.bench;

import io.tapflow.agent.flow.FlowTable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The least work a flow meter can do per frame, in Java: the loop of {@code meter_floor.c} line for line, reading
 * the mapped file through the same FFM API as the meter. It takes the 5-tuple of Ethernet (+ one 802.1Q tag) /
 * IPv4 or IPv6 (no extension headers) / the first 4 bytes of L4 and accounts packets, bytes, TCP flags, TTL range and
 * last time per direction in a table of the meter's memory shape (128-byte records, an index slot per 2 records,
 * tags, 64 frames decoded and their slots and records loaded before they are accounted). No validation beyond
 * lengths, no timeouts, sampling, fragments or eviction: a ceiling for Java code on this machine, not a meter.
 */
final class MeterFloor {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int STAGE = 64;
    /** 16 longs = 128 bytes: a0 a1 b0 b1 key first last packets[2] bytes[2] misc, then padding. */
    private static final int STRIDE = 16;
    private static final int KEY = 4;
    private static final int LAST = 6;
    private static final int PACKETS = 7;
    private static final int BYTES = 9;
    private static final int MISC = 11;

    /** One pass over the file. */
    record Run(long frames, long accounted, long skipped, int flows, double seconds) {
    }

    private final long[] records;
    private final int[] slots;
    private final int slotMask;
    private final int entryMask;
    private final int capacity;
    private int used;
    private long warmed;
    private final long[] a0 = new long[STAGE];
    private final long[] a1 = new long[STAGE];
    private final long[] b0 = new long[STAGE];
    private final long[] b1 = new long[STAGE];
    private final long[] keys = new long[STAGE];
    private final long[] hashes = new long[STAGE];
    private final long[] times = new long[STAGE];
    private final int[] wires = new int[STAGE];
    private final int[] flags = new int[STAGE];
    private final int[] ttls = new int[STAGE];
    private final int[] entries = new int[STAGE];

    /** @param capacity a power of two */
    MeterFloor(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1 || capacity > 1 << 26) {
            throw new IllegalArgumentException("floor capacity must be a power of two between 2 and 2^26: " + capacity);
        }
        this.capacity = capacity;
        this.records = new long[capacity * STRIDE];
        this.slots = new int[capacity * 2];
        this.slotMask = slots.length - 1;
        this.entryMask = (2 << (31 - Integer.numberOfLeadingZeros(capacity))) - 1;
    }

    /** Meters {@code trace} once, from an empty table; timed from mapping the file to unmapping it, as the meter is. */
    Run run(Path trace) {
        Arrays.fill(slots, 0);
        used = 0;
        long t0 = System.nanoTime();
        Run pass;
        try (Arena arena = Arena.ofShared(); FileChannel channel = FileChannel.open(trace)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            if (file.byteSize() < 24) {
                throw new IllegalArgumentException(trace + ": not a little-endian Ethernet pcap");
            }
            int magic = file.get(INT_LE, 0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d || (file.get(INT_LE, 20) & 0xFFFF) != 1) {
                throw new IllegalArgumentException(trace + ": not a little-endian Ethernet pcap");
            }
            pass = pass(file, magic == 0xa1b23c4d ? 1 : 1000);
        } catch (IOException e) {
            throw new UncheckedIOException(trace + ": cannot read", e);
        }
        return new Run(pass.frames(), pass.accounted(), pass.skipped(), pass.flows(), (System.nanoTime() - t0) / 1e9);
    }

    /** @return the counts, with no time */
    private Run pass(MemorySegment m, long fractionNs) {
        long size = m.byteSize();
        long pos = 24;
        long frames = 0;
        long skipped = 0;
        long loaded = 0;
        while (pos + 16 <= size) {
            int k = 0;
            while (k < STAGE && pos + 16 <= size) {
                long time = m.get(LONG_LE, pos);
                long lengths = m.get(LONG_LE, pos + 8);
                int captured = (int) lengths;
                if (captured < 0 || captured > size - pos - 16) {
                    throw new IllegalArgumentException("truncated record at " + pos);
                }
                frames++;
                if (decode(m, pos + 16, captured, k)) {
                    times[k] = (time & 0xFFFF_FFFFL) * 1_000_000_000L + (time >>> 32) * fractionNs;
                    wires[k] = Math.max((int) (lengths >>> 32), captured);
                    k++;
                } else {
                    skipped++;
                }
                pos += 16 + captured;
            }
            // Load every index slot, then every record they point at, before accounting: the misses overlap.
            for (int j = 0; j < k; j++) {
                entries[j] = slots[(int) hashes[j] & slotMask];
            }
            for (int j = 0; j < k; j++) {
                int e = entries[j];
                if (e != 0) {
                    loaded += records[((e & entryMask) - 1) * STRIDE + LAST];
                }
            }
            for (int j = 0; j < k; j++) {
                account(j);
            }
        }
        warmed = loaded; // keeps the loads
        long accounted = 0;
        for (int s = 0; s < used; s++) {
            accounted += records[s * STRIDE + PACKETS] + records[s * STRIDE + PACKETS + 1];
        }
        return new Run(frames, accounted, skipped, used, 0);
    }

    private boolean decode(MemorySegment m, long f, int cap, int k) {
        if (cap < 14) {
            return false;
        }
        int type = m.get(SHORT_BE, f + 12) & 0xFFFF;
        int off = 14;
        int vlan = 0;
        if (type == 0x8100) {
            if (cap < 18) {
                return false;
            }
            vlan = m.get(SHORT_BE, f + 14) & 0xFFF;
            type = m.get(SHORT_BE, f + 16) & 0xFFFF;
            off = 18;
        }
        long ip = f + off;
        int proto;
        int l4;
        if (type == 0x0800) {
            if (cap < off + 20) {
                return false;
            }
            long w1 = m.get(LONG_BE, ip + 8);
            proto = (int) (w1 >>> 48) & 0xFF;
            ttls[k] = (int) (w1 >>> 56);
            a0[k] = 0;
            a1[k] = 0x0000_FFFF_0000_0000L | (w1 & 0xFFFF_FFFFL);
            b0[k] = 0;
            b1[k] = 0x0000_FFFF_0000_0000L | (m.get(INT_BE, ip + 16) & 0xFFFF_FFFFL);
            l4 = off + (m.get(ValueLayout.JAVA_BYTE, ip) & 15) * 4;
        } else if (type == 0x86DD) {
            if (cap < off + 40) {
                return false;
            }
            long w0 = m.get(LONG_BE, ip);
            proto = (int) (w0 >>> 8) & 0xFF;
            ttls[k] = (int) w0 & 0xFF;
            a0[k] = m.get(LONG_BE, ip + 8);
            a1[k] = m.get(LONG_BE, ip + 16);
            b0[k] = m.get(LONG_BE, ip + 24);
            b1[k] = m.get(LONG_BE, ip + 32);
            l4 = off + 40;
        } else {
            return false;
        }
        if (cap < l4 + (proto == 6 ? 14 : 8)) {
            return false;
        }
        long ports = m.get(INT_BE, f + l4) & 0xFFFF_FFFFL;
        flags[k] = proto == 6 ? m.get(ValueLayout.JAVA_BYTE, f + l4 + 13) & 0xFF : 0;
        long key = (ports >>> 16) << 48 | (ports & 0xFFFF) << 32 | (long) proto << 24 | (long) vlan << 12;
        keys[k] = key;
        hashes[k] = FlowTable.hash(a0[k], a1[k], (int) (ports >>> 16), b0[k], b1[k], (int) ports & 0xFFFF, key); // the meter's own
        return true;
    }

    private void account(int k) {
        long key = keys[k];
        long h = hashes[k];
        long sa0 = a0[k];
        long sa1 = a1[k];
        long sb0 = b0[k];
        long sb1 = b1[k];
        long rev = (key & 0xFFFF_FFFFL) | ((key >>> 48) << 32) | (((key >>> 32) & 0xFFFF) << 48);
        int tag = (int) (h >>> 32) & ~entryMask;
        long[] rec = records;
        int base;
        int dir;
        for (int i = (int) h & slotMask; ; i = (i + 1) & slotMask) {
            int e = slots[i];
            if (e == 0) {
                if (used == capacity) {
                    throw new IllegalStateException("floor table full at " + used + " flows: raise the capacity");
                }
                base = used * STRIDE;
                slots[i] = tag | ++used;
                rec[base] = sa0;
                rec[base + 1] = sa1;
                rec[base + 2] = sb0;
                rec[base + 3] = sb1;
                rec[base + KEY] = key;
                rec[base + 5] = times[k];
                rec[base + LAST] = times[k];
                rec[base + PACKETS] = rec[base + PACKETS + 1] = rec[base + BYTES] = rec[base + BYTES + 1] = 0;
                rec[base + MISC] = 0xFFL << 16;
                dir = 0;
                break;
            }
            if ((e & ~entryMask) != tag) {
                continue;
            }
            base = ((e & entryMask) - 1) * STRIDE;
            boolean fwd = ((rec[base + KEY] ^ key) | (rec[base + 1] ^ sa1) | (rec[base + 3] ^ sb1) | (rec[base] ^ sa0)
                    | (rec[base + 2] ^ sb0)) == 0;
            boolean back = ((rec[base + KEY] ^ rev) | (rec[base + 1] ^ sb1) | (rec[base + 3] ^ sa1) | (rec[base] ^ sb0)
                    | (rec[base + 2] ^ sa0)) == 0;
            if (fwd | back) {
                dir = fwd ? 0 : 1;
                break;
            }
        }
        rec[base + PACKETS + dir]++;
        rec[base + BYTES + dir] += wires[k];
        if (times[k] > rec[base + LAST]) {
            rec[base + LAST] = times[k];
        }
        long misc = rec[base + MISC] | ((long) flags[k] << (8 * dir));
        long ttl = ttls[k];
        if (ttl < ((misc >>> 16) & 0xFF)) {
            misc = (misc & ~(0xFFL << 16)) | ttl << 16;
        }
        if (ttl > ((misc >>> 24) & 0xFF)) {
            misc = (misc & ~(0xFFL << 24)) | ttl << 24;
        }
        rec[base + MISC] = misc;
    }
}
