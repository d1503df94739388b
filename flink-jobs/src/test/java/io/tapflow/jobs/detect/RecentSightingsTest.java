package io.tapflow.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The last-sighting table: exact previous times without collisions, few false sightings under a sweep, merges. */
class RecentSightingsTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void aSubjectsPreviousSightingIsItsLastTime() {
        RecentSightings r = new RecentSightings(1 << 10);
        assertThat(r.see(Hashes.port(1), T0)).isEqualTo(RecentSightings.NONE);
        assertThat(r.see(Hashes.port(1), T0 + 7)).isEqualTo(T0);
        assertThat(r.see(Hashes.port(1), T0 + 9)).isEqualTo(T0 + 7);
        assertThat(r.see(Hashes.port(2), T0 + 9)).isEqualTo(RecentSightings.NONE);
    }

    @Test
    void aSweepOfDistinctSubjectsIsAlmostNeverSeenTwice() {
        RecentSightings r = new RecentSightings(1 << 17);
        int recentlySeen = 0;
        for (int i = 0; i < 1_000_000; i++) {
            long t = T0 + i / 10; // 10,000 subjects a second
            long previous = r.see(Hashes.address(addr(i)), t);
            if (previous != RecentSightings.NONE && t - previous <= 400) {
                recentlySeen++;
            }
        }
        // 4,000 subjects per 400 ms over 131,072 cells a row: (4000/131072)^3 ≈ 3e-5 of them collide in all rows.
        assertThat(recentlySeen).isLessThan(100);
    }

    @Test
    void aSavedTableMergesIntoAnotherAndAFarTimeStartsOver() {
        RecentSightings a = new RecentSightings(1 << 8);
        a.see(Hashes.port(1), T0);
        RecentSightings b = new RecentSightings(1 << 8);
        b.see(Hashes.port(2), T0 + 1_000);
        b.merge(a.toInts());
        assertThat(b.see(Hashes.port(1), T0 + 2_000)).isEqualTo(T0);
        assertThat(b.see(Hashes.port(2), T0 + 2_000)).isEqualTo(T0 + 1_000);
        assertThat(b.see(Hashes.port(2), T0 + 30L * 86_400_000)).isEqualTo(RecentSightings.NONE);
        assertThatThrownBy(() -> new RecentSightings(100)).hasMessageContaining("got 100");
    }

    private static byte[] addr(int i) {
        byte[] a = new byte[16];
        a[10] = (byte) 0xFF;
        a[11] = (byte) 0xFF;
        a[12] = (byte) (i >>> 24);
        a[13] = (byte) (i >>> 16);
        a[14] = (byte) (i >>> 8);
        a[15] = (byte) i;
        return a;
    }
}
