package io.tapflow.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Space-Saving against exact counts: exact while distinct ≤ K, within its error bound on Zipf data beyond. */
class SpaceSavingTest {

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

    @Test
    void everyEstimateIsExactWhileDistinctAddressesFitTheCounters() {
        SpaceSaving s = new SpaceSaving(256);
        Map<Integer, Long> exact = new HashMap<>();
        SplittableRandom random = new SplittableRandom(1);
        for (int n = 0; n < 100_000; n++) {
            int a = random.nextInt(256);
            long w = 40 + random.nextInt(1460);
            s.add(addr(a), w);
            exact.merge(a, w, Long::sum);
        }
        assertThat(s.size).isEqualTo(256);
        assertThat(s.minCount()).isPositive();
        exact.forEach((a, w) -> assertThat(s.estimate(addr(a))).as("address %d", a).isEqualTo(w));
        for (int i = 0; i < s.size; i++) {
            assertThat(s.error(i)).isZero();
        }
        int[] top = s.top(10);
        long[] expected = exact.values().stream().sorted((x, y) -> Long.compare(y, x)).limit(10)
                .mapToLong(Long::longValue).toArray();
        for (int k = 0; k < 10; k++) {
            assertThat(s.estimate(top[k])).isEqualTo(expected[k]);
        }
    }

    @Test
    void onZipfTrafficEveryEstimateIsWithinItsErrorAndEveryHeavyAddressIsHeld() {
        int counters = 512;
        SpaceSaving s = new SpaceSaving(counters);
        Map<Integer, Long> exact = new HashMap<>();
        Zipf zipf = new Zipf(200_000, 1.1, new SplittableRandom(7));
        SplittableRandom sizes = new SplittableRandom(8);
        long total = 0;
        for (int n = 0; n < 1_000_000; n++) {
            int a = zipf.next();
            long w = 64 + sizes.nextInt(1400);
            s.add(addr(a), w);
            exact.merge(a, w, Long::sum);
            total += w;
        }
        assertThat(exact.size()).isGreaterThan(20 * counters); // far beyond the counters
        assertThat(s.total).isEqualTo(total);
        long bound = s.minCount();
        assertThat(bound).isPositive().isLessThanOrEqualTo(total / counters);
        byte[] out = new byte[16];
        for (int i = 0; i < s.size; i++) {
            s.address(i, out);
            int a = (out[12] & 0xFF) << 24 | (out[13] & 0xFF) << 16 | (out[14] & 0xFF) << 8 | (out[15] & 0xFF);
            long truth = exact.get(a);
            assertThat(s.estimate(i)).as("address %d", a).isGreaterThanOrEqualTo(truth)
                    .isLessThanOrEqualTo(truth + s.error(i));
            assertThat(s.error(i)).isLessThanOrEqualTo(bound);
        }
        // Every address heavier than the smallest counter holds one: the true top 20 are all reported.
        exact.forEach((a, w) -> {
            if (w > bound) {
                assertThat(s.estimate(addr(a))).as("heavy address %d", a).isGreaterThanOrEqualTo(w);
            }
        });
        int[] top = s.top(20);
        long[] trueTop = exact.values().stream().sorted((x, y) -> Long.compare(y, x)).limit(20)
                .mapToLong(Long::longValue).toArray();
        for (int k = 0; k < 20; k++) {
            assertThat(s.estimate(top[k])).isBetween(trueTop[k], trueTop[k] + bound);
        }
    }

    @Test
    void takeOversKeepTheTableConsistent() {
        SpaceSaving s = new SpaceSaving(4); // tiny: every new address evicts, the probe runs shift back often
        for (int n = 0; n < 10_000; n++) {
            s.add(addr(n % 37), 1 + n % 5);
            for (int i = 0; i < s.size; i++) {
                assertThat(s.find(s.hi[i], s.lo[i])).isEqualTo(i);
            }
        }
        long sum = 0;
        for (int i = 0; i < s.size; i++) {
            sum += s.estimate(i);
        }
        assertThat(sum).isEqualTo(s.total); // Space-Saving's counters always sum to the stream's weight
    }

    @Test
    void badCapacitiesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new SpaceSaving(0)).hasMessageContaining("got 0");
    }

    /** Zipf(s) over 1..n by inverse transform over a precomputed CDF (deterministic with a seeded random). */
    static final class Zipf {
        private final double[] cdf;
        private final SplittableRandom random;

        Zipf(int n, double s, SplittableRandom random) {
            this.random = random;
            cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int next() {
            int i = java.util.Arrays.binarySearch(cdf, random.nextDouble());
            return i >= 0 ? i : -i - 1;
        }
    }
}
