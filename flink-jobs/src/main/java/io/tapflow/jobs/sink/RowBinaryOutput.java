package io.tapflow.jobs.sink;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer of rows in ClickHouse's RowBinary format: little-endian integers, LEB128-prefixed strings, raw
 * FixedString bytes. LowCardinality(String) is written as a String; DateTime as UInt32 seconds. The same bytes load
 * into ClickHouse 18.16 and current releases.
 */
public final class RowBinaryOutput {
    private byte[] buf;
    private int size;

    public RowBinaryOutput(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    public RowBinaryOutput uint8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public RowBinaryOutput uint16(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    public RowBinaryOutput uint32(long v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public RowBinaryOutput uint64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** Float64: the IEEE 754 bits, little-endian. */
    public RowBinaryOutput float64(double v) {
        return uint64(Double.doubleToRawLongBits(v));
    }

    /** DateTime: seconds since the epoch as UInt32. */
    public RowBinaryOutput dateTimeOfMillis(long epochMs) {
        return uint32(Math.max(0, Math.min(0xFFFF_FFFFL, Math.floorDiv(epochMs, 1000))));
    }

    public RowBinaryOutput string(String s) {
        return s == null || s.isEmpty() ? varUInt(0) : bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A String column from raw bytes: LEB128 length then the bytes. */
    public RowBinaryOutput bytes(byte[] b) {
        varUInt(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    /** FixedString(n): exactly n bytes, zero-padded or cut. */
    public RowBinaryOutput fixedString(byte[] b, int n) {
        ensure(n);
        int len = Math.min(n, b == null ? 0 : b.length);
        if (len > 0) {
            System.arraycopy(b, 0, buf, size, len);
        }
        Arrays.fill(buf, size + len, size + n, (byte) 0);
        size += n;
        return this;
    }

    /** Array length prefix; the caller writes the elements. */
    public RowBinaryOutput arrayLength(int n) {
        return varUInt(n);
    }

    public RowBinaryOutput varUInt(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    public InputStream asStream() {
        return new ByteArrayInputStream(buf, 0, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
