package io.tapflow.agent.source;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * pcapng: sections (each with its own byte order), interfaces with their own link type and timestamp
 * resolution, and enhanced/simple/obsolete packet blocks. Other blocks (statistics, name resolution,
 * custom) are skipped by their length.
 * <pre>
 * block: 0 type | 4 total length | body ... | total length again
 * SHB 0x0A0D0D0A: 8 byte-order magic 1A2B3C4D      IDB 1: 8 linktype(2) reserved(2) snaplen(4), 16 options
 * EPB 6: 8 interface, 12 ts high, 16 ts low, 20 captured, 24 wire, 28 data
 * SPB 3: 8 wire length, 12 data                     PB 2: 8 interface(2) drops(2), 12 ts high, 16 ts low, 20 captured, 24 wire, 28 data
 * </pre>
 */
public final class PcapngFileSource implements PacketSource {
    static final int SECTION_HEADER = 0x0A0D0D0A;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int INTERFACE_DESCRIPTION = 1;
    private static final int OBSOLETE_PACKET = 2;
    private static final int SIMPLE_PACKET = 3;
    private static final int ENHANCED_PACKET = 6;
    private static final int OPTION_END = 0;
    private static final int OPTION_TSRESOL = 9;
    private static final int OPTION_TSOFFSET = 14;
    private static final int MAX_INTERFACES = 1024;
    private static final long MAX_BLOCK_LENGTH = 16L * 1024 * 1024;
    // A layout held in a field would make every read go through a non-constant VarHandle: keep them constant.
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final String name;
    private final MappedCaptureFile file;
    private final MemorySegment data;
    /** Byte order of the current section; reads go through constant layouts (see {@link #i32}). */
    private boolean bigEndian;
    private final int[] ifLinkType = new int[MAX_INTERFACES];
    private final int[] ifSnaplen = new int[MAX_INTERFACES];
    /** Timestamp unit of each interface: units per second as a power of ten (exponent > 0) or of two (exponent < 0); 0 = seconds. */
    private final int[] ifResolution = new int[MAX_INTERFACES];
    private final long[] ifOffsetSeconds = new long[MAX_INTERFACES];
    private int interfaces;
    private CaptureFormatException deferred;
    private long position;
    private long blocks;

    PcapngFileSource(Path path, MappedCaptureFile file) {
        this.name = path.toString();
        this.file = file;
        this.data = file.segment();
        readSectionHeader();
    }

    @Override
    public int nextBatch(FrameBatch batch) {
        if (deferred != null) {
            CaptureFormatException e = deferred;
            deferred = null;
            position = data.byteSize(); // nothing after a corrupt point can be trusted
            throw e;
        }
        batch.reset(data);
        try {
            return fill(batch);
        } catch (CaptureFormatException e) {
            if (batch.count() == 0) {
                position = data.byteSize();
                throw e;
            }
            deferred = e; // hand out the good frames of this batch first, fail on the next call
            return batch.count();
        }
    }

    private int fill(FrameBatch batch) {
        long size = data.byteSize();
        while (!batch.isFull() && position < size) {
            if (size - position < 12) {
                throw corrupt("file truncated: block header needs 12 bytes, " + (size - position) + " left");
            }
            int rawType = data.get(ValueLayout.JAVA_INT_UNALIGNED, position);
            if (rawType == SECTION_HEADER) {
                readSectionHeader();
                continue;
            }
            int type = i32(position);
            long length = i32(position + 4) & 0xFFFF_FFFFL;
            if (length < 12 || (length & 3) != 0 || length > MAX_BLOCK_LENGTH) {
                throw corrupt("corrupt block length " + length + " (block type " + type + ")");
            }
            if (size - position < length) {
                throw corrupt("file truncated: block of " + length + " bytes, " + (size - position) + " left");
            }
            switch (type) {
                case INTERFACE_DESCRIPTION -> readInterface(length);
                case ENHANCED_PACKET -> readEnhancedPacket(batch, length);
                case SIMPLE_PACKET -> readSimplePacket(batch, length);
                case OBSOLETE_PACKET -> readObsoletePacket(batch, length);
                default -> {
                    // statistics, name resolution, decryption secrets, custom blocks: not needed for metering
                }
            }
            position += length;
            blocks++;
        }
        return batch.count();
    }

    private void readSectionHeader() {
        long size = data.byteSize();
        if (size - position < 28) {
            throw corrupt("file truncated in the section header block");
        }
        int magic = data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), position + 8);
        ByteOrder order;
        if (magic == BYTE_ORDER_MAGIC) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw corrupt("bad pcapng byte-order magic " + Integer.toHexString(magic));
        }
        bigEndian = order == ByteOrder.BIG_ENDIAN;
        long length = i32(position + 4) & 0xFFFF_FFFFL;
        if (length < 28 || (length & 3) != 0 || length > MAX_BLOCK_LENGTH || size - position < length) {
            throw corrupt("corrupt section header block length " + length);
        }
        interfaces = 0; // interface ids restart in every section
        position += length;
        blocks++;
    }

    private void readInterface(long length) {
        if (length < 20) {
            throw corrupt("interface description block too short: " + length);
        }
        if (interfaces == MAX_INTERFACES) {
            throw corrupt("more than " + MAX_INTERFACES + " interfaces in one section");
        }
        int linkType = i16(position + 8) & 0xFFFF;
        int id = interfaces++;
        ifLinkType[id] = linkType;
        ifSnaplen[id] = i32(position + 12);
        ifResolution[id] = 6;
        ifOffsetSeconds[id] = 0;
        long opt = position + 16;
        long end = position + length - 4;
        while (opt + 4 <= end) {
            int code = i16(opt) & 0xFFFF;
            int optLength = i16(opt + 2) & 0xFFFF;
            if (code == OPTION_END || opt + 4 + optLength > end) {
                break;
            }
            if (code == OPTION_TSRESOL && optLength >= 1) {
                int v = data.get(ValueLayout.JAVA_BYTE, opt + 4) & 0xFF;
                ifResolution[id] = (v & 0x80) == 0 ? v : -(v & 0x7F);
                if (ifResolution[id] > 18 || ifResolution[id] < -63) { // 0 (10^0 or 2^0): whole seconds
                    throw corrupt("interface " + id + ": unsupported timestamp resolution byte " + v);
                }
            } else if (code == OPTION_TSOFFSET && optLength >= 8) {
                ifOffsetSeconds[id] = i64(opt + 4);
            }
            opt += 4 + ((optLength + 3) & ~3);
        }
    }

    private void readEnhancedPacket(FrameBatch batch, long length) {
        if (length < 32) {
            throw corrupt("enhanced packet block too short: " + length);
        }
        int id = checkInterface(i32(position + 8));
        long ts = ((i32(position + 12) & 0xFFFF_FFFFL) << 32) | (i32(position + 16) & 0xFFFF_FFFFL);
        int captured = i32(position + 20);
        int wire = i32(position + 24);
        addFrame(batch, id, position + 28, captured, wire, ts, length - 32);
    }

    private void readObsoletePacket(FrameBatch batch, long length) {
        if (length < 32) {
            throw corrupt("packet block too short: " + length);
        }
        int id = checkInterface(i16(position + 8) & 0xFFFF);
        long ts = ((i32(position + 12) & 0xFFFF_FFFFL) << 32) | (i32(position + 16) & 0xFFFF_FFFFL);
        int captured = i32(position + 20);
        int wire = i32(position + 24);
        addFrame(batch, id, position + 28, captured, wire, ts, length - 32);
    }

    private void readSimplePacket(FrameBatch batch, long length) {
        if (length < 16) {
            throw corrupt("simple packet block too short: " + length);
        }
        int id = checkInterface(0);
        int wire = i32(position + 8);
        int snap = ifSnaplen[id] > 0 ? ifSnaplen[id] : Integer.MAX_VALUE;
        int captured = (int) Math.min(Math.min(wire & 0xFFFF_FFFFL, snap), length - 16);
        // simple packet blocks carry no timestamp: the frame gets the previous frame's time via the meter's clock
        addFrame(batch, id, position + 12, captured, wire, Long.MIN_VALUE, length - 16);
    }

    private void addFrame(FrameBatch batch, int id, long frame, int captured, int wire, long ts, long room) {
        if (captured < 0 || captured > room) {
            throw corrupt("captured length " + Integer.toUnsignedString(captured) + " exceeds its block (" + room + " bytes)");
        }
        long tsNanos = ts == Long.MIN_VALUE ? Long.MIN_VALUE : toNanos(id, ts);
        batch.add(frame, captured, Math.max(wire, captured), tsNanos, ifLinkType[id]);
    }

    private long toNanos(int id, long ts) {
        int r = ifResolution[id];
        long nanos;
        if (r == 9) {
            nanos = ts;
        } else if (r > 0) {
            nanos = r < 9 ? ts * POW10[9 - r] : ts / POW10[r - 9];
        } else {
            int shift = -r;
            long whole = ts >>> shift;
            long frac = ts & ((1L << shift) - 1);
            nanos = whole * 1_000_000_000L + (shift >= 34 ? (long) (frac * 1e9 / Math.pow(2, shift)) : (frac * 1_000_000_000L) >>> shift);
        }
        return nanos + ifOffsetSeconds[id] * 1_000_000_000L;
    }

    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L};

    private int checkInterface(int id) {
        if (id < 0 || id >= interfaces) {
            throw corrupt("packet refers to interface " + id + " but the section declares " + interfaces);
        }
        // A frame on an interface of a link type we do not decode (radiotap, USB, ...) is still handed out:
        // the decoder counts it as unsupported, and the other interfaces of the file are metered as usual.
        return id;
    }

    private CaptureFormatException corrupt(String what) {
        return new CaptureFormatException(name + ": " + what + " (block " + (blocks + 1) + " at byte offset " + position + ")");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        file.close();
    }

    private int i32(long offset) {
        return bigEndian ? data.get(INT_BE, offset) : data.get(INT_LE, offset);
    }

    private short i16(long offset) {
        return bigEndian ? data.get(SHORT_BE, offset) : data.get(SHORT_LE, offset);
    }

    private long i64(long offset) {
        return bigEndian ? data.get(LONG_BE, offset) : data.get(LONG_LE, offset);
    }
}
