package io.tapflow.jobs.detect;

import java.util.Arrays;

/**
 * The destinations one source has contacted in its TRW window, as 64-bit hashes in an open-addressing table that
 * grows (load ≤ 1/2) up to a bound: at most {@code 2 × maxTracked} slots of 8 bytes. A benign client's few
 * destinations take a few slots; a sweep stops at the bound. Hash 0 marks an empty slot (a real 0 is stored as 1).
 * Public fields: a Flink POJO inside {@link TrwState}.
 */
public final class ContactedSet {
    public long[] slots = new long[8];
    public int size;

    /** Outcome of {@link #add}. */
    enum Added { NEW, SEEN, FULL }

    Added add(long hash, int maxTracked) {
        long h = hash == 0 ? 1 : hash;
        int i = find(slots, h);
        if (slots[i] == h) {
            return Added.SEEN;
        }
        if (size >= maxTracked) {
            return Added.FULL;
        }
        if (2 * (size + 1) > slots.length) {
            grow();
            i = find(slots, h);
        }
        slots[i] = h;
        size++;
        return Added.NEW;
    }

    private static int find(long[] table, long h) {
        int mask = table.length - 1;
        int i = (int) h & mask;
        while (table[i] != 0 && table[i] != h) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long h : slots) {
            if (h != 0) {
                bigger[find(bigger, h)] = h;
            }
        }
        slots = bigger;
    }

    void clear() {
        if (slots.length > 8) {
            slots = new long[8]; // give a sweep's table back
        } else {
            Arrays.fill(slots, 0);
        }
        size = 0;
    }

    int sizeBytes() {
        return slots.length * Long.BYTES;
    }
}
