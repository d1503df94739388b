package io.tapflow.jobs.detect;

import java.util.Arrays;

/**
 * Space-Saving (Metwally, Agrawal and El Abbadi, "Efficient computation of frequent and top-k elements in data
 * streams", ICDT 2005) over 16-byte addresses with weighted increments (bytes, packets), in {@code capacity} counters.
 *
 * <p>Guarantees, for a stream of total weight W: every address whose true weight exceeds the smallest counter
 * (at most W / capacity) holds a counter; a counter's estimate overcounts its address by at most its
 * {@link #error(int)} (the smallest counter's value when the address took the counter over), itself at most
 * W / capacity; {@code estimate - error} is a lower bound. While at most {@code capacity} distinct addresses have
 * been seen, every estimate is exact (error 0).
 *
 * <p>Layout: parallel primitive arrays, a binary min-heap of counter indexes ordered by estimate (the victim of a
 * take-over is the root) and an open-addressing table (linear probing, backward-shift deletion) from address to
 * counter index. An update allocates nothing: O(1) to find, O(log capacity) to re-order. A Flink POJO (public
 * fields, public no-arg constructor), so checkpoints use Flink's array serializers.
 */
public final class SpaceSaving {
    /** Address halves of each counter. */
    public long[] hi;
    public long[] lo;
    public long[] count;
    public long[] err;
    /** Counters in use, at most {@code hi.length}. */
    public int size;
    /** Min-heap of counter indexes by count; {@code heapPos[i]} is counter i's place in it. */
    public int[] heap;
    public int[] heapPos;
    /** Address → counter index + 1 (0: empty); a power of two at least twice the capacity. */
    public int[] table;
    public long total;

    public SpaceSaving() {
    }

    public SpaceSaving(int capacity) {
        if (capacity < 1 || capacity > 1 << 24) {
            throw new IllegalArgumentException("Space-Saving counters must be 1-16777216, got " + capacity);
        }
        hi = new long[capacity];
        lo = new long[capacity];
        count = new long[capacity];
        err = new long[capacity];
        heap = new int[capacity];
        heapPos = new int[capacity];
        table = new int[Integer.highestOneBit(capacity * 2 - 1) << 1];
    }

    public int capacity() {
        return hi.length;
    }

    /** Adds {@code weight} (≥ 0) to the 16-byte address {@code a}. */
    public void add(byte[] a, long weight) {
        add(half(a, 0), half(a, 8), weight);
    }

    public void add(long h, long l, long weight) {
        total += weight;
        int mask = table.length - 1;
        int slot = slot(h, l) & mask;
        while (table[slot] != 0) {
            int i = table[slot] - 1;
            if (hi[i] == h && lo[i] == l) {
                count[i] += weight;
                siftDown(heapPos[i]);
                return;
            }
            slot = (slot + 1) & mask;
        }
        int i;
        if (size < hi.length) {
            i = size++;
            count[i] = weight;
            err[i] = 0;
            heap[i] = i;
            heapPos[i] = i;
            hi[i] = h;
            lo[i] = l;
            table[slot] = i + 1;
            siftUp(i);
            return;
        }
        i = heap[0]; // the smallest counter: its address is forgotten, the newcomer inherits its count as error
        remove(hi[i], lo[i]);
        err[i] = count[i];
        count[i] += weight;
        hi[i] = h;
        lo[i] = l;
        insert(h, l, i);
        siftDown(0);
    }

    /** The smallest counter (0 while counters are free): what an address not held may have had at most. */
    public long minCount() {
        return size < hi.length ? 0 : count[heap[0]];
    }

    public long estimate(int i) {
        return count[i];
    }

    public long error(int i) {
        return err[i];
    }

    /** Counter i's address into {@code out} (16 bytes). */
    public void address(int i, byte[] out) {
        for (int b = 0; b < 8; b++) {
            out[b] = (byte) (hi[i] >>> (56 - 8 * b));
            out[b + 8] = (byte) (lo[i] >>> (56 - 8 * b));
        }
    }

    /** The estimate of an address, 0 when no counter holds it. */
    public long estimate(byte[] a) {
        int i = find(half(a, 0), half(a, 8));
        return i < 0 ? 0 : count[i];
    }

    /** Counter index of an address, -1 when none holds it. */
    public int find(long h, long l) {
        int mask = table.length - 1;
        for (int slot = slot(h, l) & mask; table[slot] != 0; slot = (slot + 1) & mask) {
            int i = table[slot] - 1;
            if (hi[i] == h && lo[i] == l) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The counter indexes of the {@code n} largest estimates, largest first, ties by address (so equal inputs rank
     * equally). Allocates: called once per window.
     */
    public int[] top(int n) {
        Integer[] idx = new Integer[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> {
            int c = Long.compare(count[y], count[x]);
            if (c == 0) {
                c = Long.compareUnsigned(hi[x], hi[y]);
            }
            return c != 0 ? c : Long.compareUnsigned(lo[x], lo[y]);
        });
        int[] out = new int[Math.min(n, size)];
        for (int k = 0; k < out.length; k++) {
            out[k] = idx[k];
        }
        return out;
    }

    static long half(byte[] a, int from) {
        long v = 0;
        for (int b = from; b < from + 8; b++) {
            v = v << 8 | (a[b] & 0xFF);
        }
        return v;
    }

    private static int slot(long h, long l) {
        return (int) Hashes.mix(h ^ Hashes.mix(l));
    }

    private void insert(long h, long l, int i) {
        int mask = table.length - 1;
        int slot = slot(h, l) & mask;
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = i + 1;
    }

    /** Linear-probing delete: later entries of the probe run shift back, so lookups never stop at a false gap. */
    private void remove(long h, long l) {
        int mask = table.length - 1;
        int slot = slot(h, l) & mask;
        while (true) {
            int i = table[slot] - 1;
            if (hi[i] == h && lo[i] == l) {
                break;
            }
            slot = (slot + 1) & mask;
        }
        int gap = slot;
        int next = (gap + 1) & mask;
        while (table[next] != 0) {
            int i = table[next] - 1;
            int home = slot(hi[i], lo[i]) & mask;
            // move the entry into the gap unless its home lies cyclically in (gap, next]
            if (((next - home) & mask) >= ((next - gap) & mask)) {
                table[gap] = table[next];
                gap = next;
            }
            next = (next + 1) & mask;
        }
        table[gap] = 0;
    }

    private void siftUp(int pos) {
        int i = heap[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            int p = heap[parent];
            if (count[p] <= count[i]) {
                break;
            }
            heap[pos] = p;
            heapPos[p] = pos;
            pos = parent;
        }
        heap[pos] = i;
        heapPos[i] = pos;
    }

    private void siftDown(int pos) {
        int i = heap[pos];
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && count[heap[child + 1]] < count[heap[child]]) {
                child++;
            }
            int c = heap[child];
            if (count[c] >= count[i]) {
                break;
            }
            heap[pos] = c;
            heapPos[c] = pos;
            pos = child;
        }
        heap[pos] = i;
        heapPos[i] = pos;
    }

    /** Bytes held: 4 longs and 2 ints per counter plus the table, whatever the stream's size. */
    int sizeBytes() {
        return hi.length * (4 * Long.BYTES + 2 * Integer.BYTES) + table.length * Integer.BYTES;
    }
}
