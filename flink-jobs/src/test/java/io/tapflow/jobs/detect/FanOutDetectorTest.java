package io.tapflow.jobs.detect;

import static io.tapflow.jobs.detect.DetectFlows.DATA;
import static io.tapflow.jobs.detect.DetectFlows.SYN_ACK;
import static io.tapflow.jobs.detect.DetectFlows.tcp;
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

class FanOutDetectorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long WINDOW = DetectSettings.defaults().fanOutWindow().toMillis();
    private FanOutDetector detector;
    private KeyedOneInputStreamOperatorTestHarness<BinaryKey, FlowRecord, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        detector = new FanOutDetector(DetectSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), DetectKeys.SOURCE,
                BinaryKey.TYPE);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void exactlyOneHundredPeersOpenOnceAndTheEpisodeClosesAtEndOfInputWithFinalEvidence() throws Exception {
        for (int host = 1; host <= 99; host++) {
            send(tcp(T0 + host, 7, host, 443, DATA, SYN_ACK));
        }
        // Counted exactly up to the threshold: 99 peers are not a fan-out, the 100th is (an estimate would be ±6.5%).
        assertThat(alerts()).isEmpty();
        send(tcp(T0 + 100, 7, 100, 443, DATA, SYN_ACK));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getDetector()).isEqualTo("fan_out");
            assertThat(a.getKind()).isEqualTo("peers");
            assertThat(a.getState()).isEqualTo(AlertState.OPEN);
            assertThat(a.getSubject()).isEqualTo("10.0.0.7");
            assertThat(a.getDistinctHosts()).isEqualTo(100);
        });
        for (int host = 101; host <= 150; host++) {
            send(tcp(T0 + host, 7, host, 443, DATA, SYN_ACK));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        List<Alert> all = alerts();
        assertThat(all).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
        assertThat(all.get(1).getEpisodeId()).isEqualTo(all.get(0).getEpisodeId());
        assertThat(all.get(1).getAttempts()).isEqualTo(150);
        assertThat(detector.current()).isNull();
    }

    @Test
    void oneThousandConnectionsToOneServerAreAFanOutOfConnections() throws Exception {
        for (int i = 1; i <= 999; i++) {
            send(tcp(T0 + i, 7, 1, 80, DATA, SYN_ACK));
        }
        assertThat(alerts()).isEmpty();
        send(tcp(T0 + 1000, 7, 1, 80, DATA, SYN_ACK));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("connections");
            assertThat(a.getAttempts()).isEqualTo(1000);
            assertThat(a.getDistinctHosts()).isEqualTo(1);
        });
    }

    @Test
    void tcpFlowsWithoutTheInitiatorsSynAndConnectionsSpreadOverWindowsAreNotAFanOut() throws Exception {
        for (int host = 1; host <= 500; host++) {
            send(tcp(T0 + host, 7, host, 443, TcpFlags.ACK | TcpFlags.PSH, TcpFlags.ACK)); // slices, mid-stream
        }
        for (int host = 1; host <= 500; host++) {
            send(tcp(T0 + 1000 + host * (WINDOW / 50), 8, host, 443, DATA, SYN_ACK)); // 50 peers per window
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void oneHundredThousandPeersKeepTheStateFixed() throws Exception {
        int n = 100_000;
        for (int host = 0; host < n; host++) {
            FlowRecord r = tcp(T0 + host / 1000, 7, 0, 80, DATA, SYN_ACK);
            r.getDstAddr().bytes()[13] = (byte) (host >>> 16);
            r.getDstAddr().bytes()[14] = (byte) (host >>> 8);
            r.getDstAddr().bytes()[15] = (byte) host;
            send(r);
        }
        FanOutState s = detector.current();
        int bound = 256 + Long.BYTES + Episode.SAMPLES * (16 + Integer.BYTES);
        System.out.printf("100,000 peers: %d bytes of fan-out state (bound %d), estimate %d%n", s.sizeBytes(), bound,
                s.peers.count());
        assertThat(s.sizeBytes()).isLessThanOrEqualTo(bound);
        assertThat((double) s.peers.count()).isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(20));
        assertThat(alerts()).singleElement().extracting(Alert::getKind).isEqualTo("peers");
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).last().satisfies(closed -> {
            assertThat(closed.getKind()).isEqualTo("peers+connections");
            assertThat(closed.getAttempts()).isEqualTo(n);
        });
    }

    private void send(FlowRecord r) throws Exception {
        harness.processElement(new StreamRecord<>(r, r.getLastMs()));
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }
}
