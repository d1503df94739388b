package io.tapflow.agent.bench.attack;

import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.LinkType;
import io.tapflow.agent.source.PacketSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One real capture, loaded once and replayed many times as background: every frame as Ethernet (other link types get
 * a synthetic Ethernet header in place of theirs), with the offset of its outer IP header (-1 when there is none or it
 * cannot be found, e.g. under MPLS), and its time relative to the capture's first packet, in time order.
 */
final class BackgroundCapture {
    private static final int ETHERNET = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;

    final String name;
    final byte[][] frames;
    final int[] wireLengths;
    final int[] l3Offsets;
    final long[] relativeUs;
    /** Frames of a link type other than Ethernet that did not carry IP: left out. */
    final int dropped;

    private BackgroundCapture(String name, byte[][] frames, int[] wireLengths, int[] l3Offsets, long[] relativeUs,
                              int dropped) {
        this.name = name;
        this.frames = frames;
        this.wireLengths = wireLengths;
        this.l3Offsets = l3Offsets;
        this.relativeUs = relativeUs;
        this.dropped = dropped;
    }

    int size() {
        return frames.length;
    }

    long spanUs() {
        return relativeUs.length == 0 ? 0 : relativeUs[relativeUs.length - 1];
    }

    /** Reads the whole capture; a corrupt or truncated capture keeps the frames before the bad point. */
    static BackgroundCapture load(Path path) {
        List<byte[]> frames = new ArrayList<>();
        List<long[]> meta = new ArrayList<>(); // {tsNanos, wireLength, l3Offset}
        int dropped = 0;
        FrameBatch batch = new FrameBatch();
        try (PacketSource source = CaptureFiles.open(path)) {
            while (true) {
                int n;
                try {
                    n = source.nextBatch(batch);
                } catch (RuntimeException e) {
                    n = batch.count(); // the frames returned before the bad point stay valid
                    if (n == 0) {
                        break;
                    }
                }
                if (n == 0) {
                    break;
                }
                MemorySegment data = batch.data();
                for (int i = 0; i < n; i++) {
                    int captured = batch.capturedLength(i);
                    byte[] raw = new byte[captured];
                    MemorySegment.copy(data, ValueLayout.JAVA_BYTE, batch.offset(i), raw, 0, captured);
                    byte[] eth = asEthernet(raw, batch.linkType(i));
                    if (eth == null) {
                        dropped++;
                        continue;
                    }
                    frames.add(eth);
                    meta.add(new long[] {batch.timestampNanos(i), batch.wireLength(i) - captured + eth.length,
                        ipOffset(eth)});
                }
            }
        }
        Integer[] order = new Integer[frames.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(meta.get(a)[0], meta.get(b)[0])); // stable: ties keep file order
        byte[][] f = new byte[order.length][];
        int[] wire = new int[order.length];
        int[] l3 = new int[order.length];
        long[] rel = new long[order.length];
        long first = order.length == 0 ? 0 : meta.get(order[0])[0];
        for (int i = 0; i < order.length; i++) {
            long[] m = meta.get(order[i]);
            f[i] = frames.get(order[i]);
            wire[i] = (int) m[1];
            l3[i] = (int) m[2];
            rel[i] = (m[0] - first) / 1_000;
        }
        String file = path.getFileName().toString();
        return new BackgroundCapture(file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file, f, wire, l3,
                rel, dropped);
    }

    /** The frame as Ethernet, or null when a non-Ethernet frame carries no IP. */
    static byte[] asEthernet(byte[] raw, int linkType) {
        int l3;
        int version;
        switch (linkType) {
            case LinkType.ETHERNET -> {
                return raw;
            }
            case LinkType.LINUX_SLL -> {
                l3 = 16;
                version = raw.length >= 16 ? etherVersion(u16(raw, 14)) : 0;
            }
            case LinkType.LINUX_SLL2 -> {
                l3 = 20;
                version = raw.length >= 20 ? etherVersion(u16(raw, 0)) : 0;
            }
            case LinkType.RAW, LinkType.RAW_OPENBSD, LinkType.RAW_BSDOS, LinkType.IPV4, LinkType.IPV6 -> {
                l3 = 0;
                version = raw.length > 0 ? (raw[0] & 0xF0) >>> 4 : 0;
            }
            case LinkType.NULL, LinkType.LOOP -> {
                l3 = 4;
                int family = raw.length >= 4 ? (raw[0] & 0xFF) | (raw[3] & 0xFF) : 0; // host byte order either way
                version = family == 2 ? 4 : family == 24 || family == 28 || family == 30 ? 6 : 0;
            }
            default -> {
                return null;
            }
        }
        if ((version != 4 && version != 6) || raw.length <= l3) {
            return null;
        }
        byte[] eth = new byte[ETHERNET + raw.length - l3];
        eth[0] = 0x02;
        eth[6] = 0x02;
        eth[7] = 0x01;
        SyntheticPackets.put16(eth, 12, version == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
        System.arraycopy(raw, l3, eth, ETHERNET, raw.length - l3);
        return eth;
    }

    /** The outer IP header's offset in an Ethernet frame (after 802.1Q/802.1ad tags), or -1. */
    static int ipOffset(byte[] eth) {
        int off = 12;
        while (off + 2 <= eth.length) {
            int type = u16(eth, off);
            if (type == 0x8100 || type == 0x88A8 || type == 0x9100) {
                off += 4;
                continue;
            }
            return (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6) && off + 2 < eth.length ? off + 2 : -1;
        }
        return -1;
    }

    private static int etherVersion(int type) {
        return type == ETHERTYPE_IPV4 ? 4 : type == ETHERTYPE_IPV6 ? 6 : 0;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }
}
