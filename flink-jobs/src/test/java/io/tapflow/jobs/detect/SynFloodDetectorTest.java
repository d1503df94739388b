package io.tapflow.jobs.detect;

import static io.tapflow.jobs.detect.DetectFlows.DATA;
import static io.tapflow.jobs.detect.DetectFlows.SYN_ACK;
import static io.tapflow.jobs.detect.DetectFlows.halfOpen;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import java.util.List;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SynFloodDetectorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long WINDOW = DetectSettings.defaults().floodWindow().toMillis();
    private SynFloodDetector detector;
    private KeyedOneInputStreamOperatorTestHarness<BinaryKey, FlowRecord, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        detector = new SynFloodDetector(DetectSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), DetectKeys.VICTIM,
                BinaryKey.TYPE);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aBurstOpensOnceAtTheMinimumAttemptsAndClosesAtEndOfInput() throws Exception {
        for (int i = 0; i < 99; i++) {
            send(halfOpen(T0 + i, i, 443)); // 1,000/s
        }
        assertThat(alerts()).as("99 attempts: under the 100 a rate needs").isEmpty();
        for (int i = 99; i < 300; i++) {
            send(halfOpen(T0 + i, i, 443));
        }
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.OPEN);
            assertThat(a.getDetector()).isEqualTo("syn_flood");
            assertThat(a.getSubject()).isEqualTo("192.168.0.1:443");
            assertThat(a.getSubjectPort()).isEqualTo(443);
            assertThat(a.getAttempts()).isEqualTo(100);
            assertThat((double) a.getDistinctHosts()).isCloseTo(100, org.assertj.core.data.Percentage.withPercentage(20)); // past 32: HLL
            assertThat(a.getWindowStartMs()).isEqualTo(T0);
            assertThat(a.getWindowEndMs()).isEqualTo(T0 + 99);
            assertThat(a.getScore()).isEqualTo(4.0); // 100 attempts over 99 ms, floored to 100 ms: 1,000/s = 4 × 250/s
        });

        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).hasSize(2);
        Alert closed = alerts().get(1);
        assertThat(closed.getState()).isEqualTo(AlertState.CLOSED);
        assertThat(closed.getEpisodeId()).isEqualTo(alerts().get(0).getEpisodeId());
        assertThat(closed.getAttempts()).isEqualTo(300);
        assertThat(closed.getLastSeenMs()).isEqualTo(T0 + 299);
        assertThat(detector.current()).isNull();
    }

    @Test
    void manyAttemptsBelowTheRateDoNotAlert() throws Exception {
        for (int i = 0; i < 5_000; i++) {
            send(halfOpen(T0 + i * 10L, i, 443)); // 100/s for 50 s: 5,000 attempts, under 15,000 per minute
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void completedHandshakesAreNotHalfOpen() throws Exception {
        for (int i = 0; i < 5_000; i++) {
            FlowRecord r = halfOpen(T0 + i / 10, i, 80);
            r.setTcpFlagsFwd(i % 2 == 0 ? DATA : TcpFlags.SYN | TcpFlags.ACK); // the initiator ACKed: connected
            send(r);
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void aQuietWindowClosesTheEpisodeAndALaterFloodIsANewOne() throws Exception {
        for (int i = 0; i < 200; i++) {
            send(halfOpen(T0 + i, i, 80));
        }
        harness.processWatermark(new Watermark(T0 + 199 + WINDOW - 1));
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN);
        harness.processWatermark(new Watermark(T0 + 199 + WINDOW));
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);

        long later = T0 + 10 * WINDOW;
        for (int i = 0; i < 150; i++) {
            send(halfOpen(later + i, i, 80));
        }
        List<Alert> all = alerts();
        assertThat(all).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED, AlertState.OPEN);
        assertThat(all.get(2).getEpisodeId()).isEqualTo(later + 99);
    }

    @Test
    void oneHundredThousandSpoofedInitiatorsKeepTheStateUnderItsBound() throws Exception {
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            send(halfOpen(T0 + i / 10, i, 80)); // 10,000/s for 10 s
        }
        FloodState s = detector.current();
        // FloodState's documented bound: 6 buckets × 20 bytes + one 256-byte counter + 8 sample peers and ports.
        int bound = DetectSettings.defaults().floodBuckets() * 20 + 256 + Episode.SAMPLES * (16 + Integer.BYTES);
        System.out.printf("100,000 initiators: %d bytes of state (bound %d), initiators estimate %d%n", s.sizeBytes(),
                bound, s.initiators.count());
        assertThat(s.sizeBytes()).isLessThanOrEqualTo(bound);
        assertThat((double) s.initiators.count()).isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(20));
        assertThat(alerts()).singleElement().extracting(Alert::getState).isEqualTo(AlertState.OPEN);
    }

    @Test
    void anOpenEpisodeSurvivesACheckpointAndRestoreWithoutASecondOpen() throws Exception {
        for (int i = 0; i < 150; i++) {
            send(halfOpen(T0 + i, i, 443));
        }
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN);
        var snapshot = harness.snapshot(1, T0 + 200);
        harness.close();

        detector = new SynFloodDetector(DetectSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), DetectKeys.VICTIM,
                BinaryKey.TYPE);
        harness.initializeState(snapshot);
        harness.open();
        for (int i = 150; i < 250; i++) {
            send(halfOpen(T0 + i, i, 443));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).singleElement().satisfies(closed -> {
            assertThat(closed.getState()).isEqualTo(AlertState.CLOSED);
            assertThat(closed.getEpisodeId()).isEqualTo(T0 + 99);
            assertThat(closed.getAttempts()).isEqualTo(250);
        });
        assertThat(detector.current()).isNull();
    }

    @Test
    void aSweepOfOneAttemptPerVictimLeavesNoKeyedStateAndAFloodIsStillFoundFromItsFirstAttempt() throws Exception {
        for (int i = 0; i < 20_000; i++) {
            send(DetectFlows.tcp(T0 + i / 10, 1, i, 80, DetectFlows.SYN, 0)); // 20,000 victims, one SYN each, 10,000/s
        }
        // No victim was seen twice; a false admission needs its 3 cells hit by others within 400 ms, about
        // (4,000 / 131,072)^3 of the victims: here 2 of 20,000 (deterministic hashes), each one small state.
        assertThat(harness.numKeyedStateEntries()).as("victims with keyed state").isLessThanOrEqualTo(20);
        int falselyAdmitted = harness.numKeyedStateEntries();
        assertThat(alerts()).isEmpty();

        long flood = T0 + 5_000;
        for (int i = 0; i < 150; i++) {
            send(halfOpen(flood + i, i, 443));
        }
        assertThat(harness.numKeyedStateEntries()).isEqualTo(falselyAdmitted + 1);
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getAttempts()).as("the admitting attempt brought its predecessor in").isEqualTo(100);
            assertThat(a.getWindowStartMs()).isEqualTo(flood);
            assertThat(a.getFirstSeenMs()).isEqualTo(flood);
        });
    }

    @Test
    void aVictimsFirstSightingSurvivesACheckpointAndRestore() throws Exception {
        send(halfOpen(T0, 0, 443)); // sighted only: no keyed state yet
        assertThat(harness.numKeyedStateEntries()).isZero();
        var snapshot = harness.snapshot(1, T0);
        harness.close();

        detector = new SynFloodDetector(DetectSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), DetectKeys.VICTIM,
                BinaryKey.TYPE);
        harness.initializeState(snapshot);
        harness.open();
        for (int i = 1; i < 100; i++) {
            send(halfOpen(T0 + i, i, 443));
        }
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getAttempts()).isEqualTo(100);
            assertThat(a.getWindowStartMs()).isEqualTo(T0);
        });
    }

    @Test
    void attemptsFartherApartThanAMinimalFloodAreNotAdmitted() throws Exception {
        for (int i = 0; i < 50; i++) {
            send(halfOpen(T0 + i * 1_000L, i, 443)); // one a second: never two within 400 ms
        }
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    private void send(FlowRecord r) throws Exception {
        harness.processElement(new StreamRecord<>(r, r.getLastMs()));
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }
}
