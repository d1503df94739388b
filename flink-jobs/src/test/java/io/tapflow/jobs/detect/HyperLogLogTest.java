package io.tapflow.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class HyperLogLogTest {
    @Test
    void distinctCountsAreExactUpToTheCapThenEstimatedInFixedSpace() {
        DistinctCounter c = new DistinctCounter();
        for (int round = 0; round < 3; round++) {
            for (int port = 0; port < DistinctCounter.EXACT_CAP; port++) {
                c.add(Hashes.port(port));
            }
        }
        assertThat(c.count()).isEqualTo(DistinctCounter.EXACT_CAP);
        assertThat(c.sketch).isNull();
        for (int port = DistinctCounter.EXACT_CAP; port < 65_536; port++) {
            c.add(Hashes.port(port));
        }
        assertThat(c.sketch).isNotNull();
        assertThat(c.sizeBytes()).isEqualTo(HyperLogLog.M);
        assertThat((double) c.count()).isCloseTo(65_536, Percentage.withPercentage(20)); // 3 standard errors of 6.5%
    }

    @Test
    void estimatesStayWithinThreeStandardErrorsFromTensToMillions() {
        for (int n : new int[] {10, 100, 1_000, 100_000, 1_000_000}) {
            HyperLogLog h = new HyperLogLog();
            for (int i = 0; i < n; i++) {
                h.add(Hashes.mix(i * 0x9E3779B97F4A7C15L + 12345));
            }
            for (int i = 0; i < n; i++) {
                h.add(Hashes.mix(i * 0x9E3779B97F4A7C15L + 12345)); // repeats change nothing
            }
            assertThat((double) h.estimate()).as("n = %d", n).isCloseTo(n, Percentage.withPercentage(20));
        }
    }
}
