package io.tapflow.jobs.detect;

import java.util.Arrays;

/**
 * When a subject (a hash) was last seen, in a fixed table instead of per-key state: {@value #ROWS} rows of
 * {@code width} cells, each holding the latest time any subject hashing to it was seen (a count-min sketch that
 * keeps a max of times instead of a sum of counts). A subject's previous sighting is the smallest of its cells: never
 * earlier than the truth, exact unless every row collides with a subject seen later.
 *
 * <p>Used as an admission filter so that a subject gets keyed state only once it shows up twice within a short
 * span: a sweep of a million destinations (each seen once) leaves this table's fixed size and no keys, where keyed
 * state would hold a million. A false admission needs all rows to collide with subjects seen within the span: with
 * k subjects per span, about (k / width)^3.
 *
 * <p>Times are kept as int milliseconds from a base (the first time seen); a time more than 24 days from it starts
 * the table over. Fixed size: rows × width × 4 bytes.
 */
final class RecentSightings {
    static final int ROWS = 3;
    static final long NONE = Long.MIN_VALUE;
    private static final int EMPTY = Integer.MIN_VALUE;

    private final int mask;
    private final int[] cells;
    private long baseMs = NONE;

    RecentSightings(int width) {
        if (width < 2 || Integer.bitCount(width) != 1) {
            throw new IllegalArgumentException("the sightings width must be a power of two >= 2, got " + width);
        }
        mask = width - 1;
        cells = new int[ROWS * width];
        Arrays.fill(cells, EMPTY);
    }

    /** Records that subject {@code h} was seen at {@code t}; returns its previous sighting (an upper bound) or NONE. */
    long see(long h, long t) {
        if (baseMs == NONE || t - baseMs > Integer.MAX_VALUE || t - baseMs < Integer.MIN_VALUE + 1) {
            Arrays.fill(cells, EMPTY); // beyond an int's reach of the base (24 days): start over
            baseMs = t;
        }
        int now = (int) (t - baseMs);
        int previous = Integer.MAX_VALUE;
        int width = mask + 1;
        for (int row = 0; row < ROWS; row++) {
            int i = row * width + index(h, row);
            int c = cells[i];
            if (c == EMPTY) {
                previous = EMPTY;
            } else if (previous != EMPTY) {
                previous = Math.min(previous, c);
            }
            cells[i] = c == EMPTY ? now : Math.max(c, now);
        }
        return previous == EMPTY ? NONE : baseMs + previous;
    }

    private int index(long h, int row) {
        return (int) Hashes.mix(h + 0x9E3779B97F4A7C15L * (row + 1)) & mask;
    }

    /** The table as ints (base high, base low, cells), for operator state. */
    int[] toInts() {
        int[] out = new int[2 + cells.length];
        out[0] = (int) (baseMs >>> 32);
        out[1] = (int) baseMs;
        System.arraycopy(cells, 0, out, 2, cells.length);
        return out;
    }

    /** Folds in a table saved by {@link #toInts} (another subtask's after a rescale): the later time of each cell. */
    void merge(int[] saved) {
        if (saved.length != 2 + cells.length) {
            return; // another width (changed settings): start empty, at worst one sighting per subject is missed
        }
        long savedBase = (long) saved[0] << 32 | (saved[1] & 0xFFFF_FFFFL);
        if (savedBase == NONE) {
            return;
        }
        if (baseMs == NONE) {
            baseMs = savedBase;
        }
        for (int i = 0; i < cells.length; i++) {
            if (saved[i + 2] == EMPTY) {
                continue;
            }
            long t = savedBase + saved[i + 2] - baseMs;
            if (t > Integer.MIN_VALUE && t <= Integer.MAX_VALUE) {
                cells[i] = cells[i] == EMPTY ? (int) t : Math.max(cells[i], (int) t);
            }
        }
    }

    int sizeBytes() {
        return cells.length * Integer.BYTES;
    }
}
