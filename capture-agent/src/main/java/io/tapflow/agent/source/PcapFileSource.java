package io.tapflow.agent.source;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Classic pcap (libpcap) file, either byte order, microsecond or nanosecond timestamps.
 * <pre>
 * global header (24 bytes)                 record header (16 bytes), then incl_len bytes of frame
 * 0  magic      a1b2c3d4 µs / a1b23c4d ns  0  ts_sec
 * 4  version    2.4                        4  ts_usec (or ts_nsec)
 * 8  thiszone, 12 sigfigs                  8  incl_len  (captured)
 * 16 snaplen                               12 orig_len  (on the wire)
 * 20 linktype (low 16 bits; upper bits FCS info)
 * </pre>
 */
public final class PcapFileSource implements PacketSource {
    static final int MAGIC_MICROS = 0xa1b2c3d4;
    static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int GLOBAL_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;
    /** libpcap's own upper bound for a record; anything larger is corruption, not a jumbo frame. */
    private static final int MAX_RECORD_LENGTH = 262_144;
    /** Constant layouts: a layout held in a field would make every read go through a non-constant VarHandle. */
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final String name;
    private final MappedCaptureFile file;
    private final MemorySegment data;
    private final boolean bigEndian;
    private final boolean nanos;
    private final int linkType;
    private final int maxRecordLength;
    private CaptureFormatException deferred;
    private long position = GLOBAL_HEADER_LENGTH;
    private long records;

    PcapFileSource(Path path, MappedCaptureFile file) {
        this.name = path.toString();
        this.file = file;
        this.data = file.segment();
        if (file.size() < GLOBAL_HEADER_LENGTH) {
            throw new CaptureFormatException(name + ": truncated pcap global header (" + file.size() + " of 24 bytes)");
        }
        int magic = data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        ByteOrder order = (magic == MAGIC_MICROS || magic == MAGIC_NANOS) ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        int m = readInt(0);
        if (m != MAGIC_MICROS && m != MAGIC_NANOS) {
            throw new CaptureFormatException(name + ": not a pcap file (magic " + Integer.toHexString(m) + ")");
        }
        this.nanos = m == MAGIC_NANOS;
        int snaplen = readInt(16);
        this.linkType = readInt(20) & 0xFFFF;
        if (!LinkType.isSupported(linkType)) {
            throw new CaptureFormatException(name + ": unsupported link type " + linkType
                    + " (supported: Ethernet, Linux SLL/SLL2, raw IPv4/IPv6, NULL/loopback, PPP, Cisco HDLC)");
        }
        this.maxRecordLength = Math.max(MAX_RECORD_LENGTH, snaplen);
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
            if (size - position < RECORD_HEADER_LENGTH) {
                throw truncated("record header", RECORD_HEADER_LENGTH, size - position);
            }
            // Two 8-byte reads instead of four 4-byte ones: the header is read for every frame.
            long times = readTwoInts(position); // ts_sec | ts_usec (or ts_nsec)
            long lengths = readTwoInts(position + 8); // incl_len | orig_len
            long tsSec = times & 0xFFFF_FFFFL;
            long tsFrac = times >>> 32;
            int captured = (int) lengths;
            int wire = (int) (lengths >>> 32);
            if (captured < 0 || captured > maxRecordLength) {
                throw new CaptureFormatException(name + ": corrupt record " + (records + 1) + " at byte offset " + position
                        + ": captured length " + Integer.toUnsignedString(captured) + " exceeds " + maxRecordLength);
            }
            long frame = position + RECORD_HEADER_LENGTH;
            if (size - frame < captured) {
                throw truncated("frame", captured, size - frame);
            }
            long tsNanos = tsSec * 1_000_000_000L + (nanos ? tsFrac : tsFrac * 1_000L);
            batch.add(frame, captured, Math.max(wire, captured), tsNanos, linkType);
            position = frame + captured;
            records++;
        }
        return batch.count();
    }

    /** The two 4-byte fields at {@code offset}, each in the file's byte order: the first in the low half. */
    private long readTwoInts(long offset) {
        return bigEndian ? Long.rotateLeft(data.get(LONG_BE, offset), 32) : data.get(LONG_LE, offset);
    }

    private int readInt(long offset) {
        return bigEndian ? data.get(INT_BE, offset) : data.get(INT_LE, offset);
    }

    private CaptureFormatException truncated(String what, long wanted, long left) {
        return new CaptureFormatException(name + ": file truncated in record " + (records + 1) + " at byte offset "
                + position + ": " + what + " needs " + wanted + " bytes, " + left + " left");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        file.close();
    }
}
