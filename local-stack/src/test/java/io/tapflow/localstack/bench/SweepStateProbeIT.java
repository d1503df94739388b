package io.tapflow.localstack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sweep of 100,000 destinations (one unanswered SYN each, 10,000/s) through the detectors on a MiniCluster leaves a
 * checkpoint of bounded size: SYN-flood victims and P2P hosts get no keyed state for a single unanswered SYN, so what
 * remains is the SYN-flood detector's fixed sightings table, the scanner's bounded port-scan and fan-out state, and
 * Flink's own. Without admission this was one flood state per destination seen in the last minute.
 */
class SweepStateProbeIT {
    /** The sightings table (3 × 131,072 ints, 1.5 MiB) plus 256 KiB for everything else. */
    static final long BOUND = 3 * 131_072 * 4 + 256 * 1024;

    @Test
    void aHundredThousandDestinationSweepKeepsTheDetectorsStateUnderItsBound() throws Exception {
        SweepStateProbe.Result r = SweepStateProbe.run(100_000, 10_000, 6881, 1);
        System.out.printf("100,000-destination sweep: %,d bytes of checkpointed state %s%n", r.totalBytes(),
                r.bytesByOperator());
        assertThat(r.totalBytes()).isPositive().isLessThanOrEqualTo(BOUND);
        for (Map.Entry<String, Long> e : r.bytesByOperator().entrySet()) {
            if (e.getKey().contains("P2P") || e.getKey().contains("fan-out") || e.getKey().contains("port scans")) {
                assertThat(e.getValue()).as(e.getKey()).isLessThanOrEqualTo(64 * 1024);
            }
        }
    }
}
