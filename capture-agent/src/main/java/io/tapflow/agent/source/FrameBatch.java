package io.tapflow.agent.source;

import java.lang.foreign.MemorySegment;

/**
 * A batch of frames that stay where the source keeps them (a mapped file, a ring block): offsets into
 * {@link #data()} plus per-frame metadata in parallel primitive arrays. Allocated once, refilled by every
 * {@link PacketSource#nextBatch} call, so reading allocates nothing per packet.
 */
public final class FrameBatch {
    public static final int DEFAULT_CAPACITY = 256;

    private final long[] offset;
    private final int[] capturedLength;
    private final int[] wireLength;
    private final long[] timestampNanos;
    private final int[] linkType;
    private MemorySegment data = MemorySegment.NULL;
    private int count;

    public FrameBatch() {
        this(DEFAULT_CAPACITY);
    }

    public FrameBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive: " + capacity);
        }
        offset = new long[capacity];
        capturedLength = new int[capacity];
        wireLength = new int[capacity];
        timestampNanos = new long[capacity];
        linkType = new int[capacity];
    }

    /** Empties the batch and points it at the memory the next frames live in. */
    public void reset(MemorySegment data) {
        this.data = data;
        this.count = 0;
    }

    public boolean isFull() {
        return count == offset.length;
    }

    public void add(long frameOffset, int captured, int wire, long tsNanos, int link) {
        int i = count++;
        offset[i] = frameOffset;
        capturedLength[i] = captured;
        wireLength[i] = wire;
        timestampNanos[i] = tsNanos;
        linkType[i] = link;
    }

    public MemorySegment data() {
        return data;
    }

    public int count() {
        return count;
    }

    public int capacity() {
        return offset.length;
    }

    public long offset(int i) {
        return offset[i];
    }

    public int capturedLength(int i) {
        return capturedLength[i];
    }

    public int wireLength(int i) {
        return wireLength[i];
    }

    public long timestampNanos(int i) {
        return timestampNanos[i];
    }

    public int linkType(int i) {
        return linkType[i];
    }
}
