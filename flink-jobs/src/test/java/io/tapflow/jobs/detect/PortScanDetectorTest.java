package io.tapflow.jobs.detect;

import static io.tapflow.jobs.detect.DetectFlows.DATA;
import static io.tapflow.jobs.detect.DetectFlows.SYN;
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

class PortScanDetectorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long WINDOW = DetectSettings.defaults().scanWindow().toMillis();
    private PortScanDetector detector;
    private KeyedOneInputStreamOperatorTestHarness<BinaryKey, FlowRecord, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        detector = new PortScanDetector(DetectSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), DetectKeys.SOURCE,
                BinaryKey.TYPE);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aVerticalScanOpensOnceAtFifteenPortsAndClosesAtEndOfInputWithFinalEvidence() throws Exception {
        for (int port = 1; port <= 14; port++) {
            send(tcp(T0 + port, 7, 1, port, SYN, 0));
        }
        assertThat(alerts()).as("14 ports is below Zeek's 15").isEmpty();
        send(tcp(T0 + 15, 7, 1, 15, SYN, TcpFlags.RST | TcpFlags.ACK)); // refused: counted too
        for (int port = 16; port <= 30; port++) { // at most 32 distinct: counts stay exact
            send(tcp(T0 + port, 7, 1, port, SYN, 0));
        }
        List<Alert> open = alerts();
        assertThat(open).hasSize(1);
        Alert a = open.get(0);
        assertThat(a.getState()).isEqualTo(AlertState.OPEN);
        assertThat(a.getDetector()).isEqualTo("port_scan");
        assertThat(a.getKind()).isEqualTo("vertical");
        assertThat(a.getSubject()).isEqualTo("10.0.0.7");
        assertThat(a.getLinkId()).isEqualTo("lab");
        assertThat(a.getDistinctPorts()).isEqualTo(15);
        assertThat(a.getAttempts()).isEqualTo(15);
        assertThat(a.getEpisodeId()).isEqualTo(T0 + 15);
        assertThat(a.getSamplePorts()).hasSize(Episode.SAMPLES);

        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        List<Alert> all = alerts();
        assertThat(all).hasSize(2);
        Alert closed = all.get(1);
        assertThat(closed.getState()).isEqualTo(AlertState.CLOSED);
        assertThat(closed.getEpisodeId()).isEqualTo(a.getEpisodeId());
        assertThat(closed.getAttempts()).isEqualTo(30);
        assertThat(closed.getDistinctPorts()).isEqualTo(30);
        assertThat(closed.getScore()).isEqualTo(2.0);
        assertThat(closed.getFirstSeenMs()).isEqualTo(T0 + 1 - 50);
        assertThat(closed.getLastSeenMs()).isEqualTo(T0 + 30);
        assertThat(detector.current()).as("state cleared once the episode closed").isNull();
    }

    @Test
    void aHorizontalSweepOpensAtTwentyFiveHostsOnOnePort() throws Exception {
        for (int host = 1; host <= 24; host++) {
            send(tcp(T0 + host, 7, host, 445, SYN, 0));
        }
        assertThat(alerts()).isEmpty();
        send(tcp(T0 + 25, 7, 25, 445, SYN, 0));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("horizontal");
            assertThat(a.getDistinctHosts()).isEqualTo(25);
            assertThat(a.getSamplePeers()).hasSize(Episode.SAMPLES);
            assertThat(a.getSamplePorts()).containsExactly(445);
        });
    }

    @Test
    void connectionsThatMovedDataOrLackTheInitiatorsSynAreNotCounted() throws Exception {
        for (int port = 1; port <= 200; port++) {
            send(tcp(T0 + port, 7, 1, port, DATA, SYN_ACK | TcpFlags.PSH)); // a busy client, data both ways
            send(tcp(T0 + port, 8, port, 80, DATA, SYN_ACK | TcpFlags.PSH)); // a crawler: 200 servers on port 80
            send(tcp(T0 + port, 9, 1, port, TcpFlags.ACK | TcpFlags.FIN, TcpFlags.ACK)); // mid-stream: started before capture
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void probesSpreadOverWindowsNeverReachingTheThresholdInOneDoNotAlert() throws Exception {
        for (int port = 1; port <= 100; port++) {
            send(tcp(T0 + port * (WINDOW / 10), 7, 1, port, SYN, 0)); // 10 ports per 5-minute window
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void aQuietWindowClosesTheEpisodeAndALaterScanIsANewEpisode() throws Exception {
        for (int port = 1; port <= 20; port++) {
            send(tcp(T0 + port, 7, 1, port, SYN, 0));
        }
        // The scan keeps going in the next window: the same episode, no new alert.
        for (int port = 21; port <= 40; port++) {
            send(tcp(T0 + WINDOW + port, 7, 1, port, SYN, 0));
        }
        harness.processWatermark(new Watermark(T0 + WINDOW + 100));
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN);
        // Nothing for a whole window after the last crossing window ends: closed.
        harness.processWatermark(new Watermark(T0 + 3 * WINDOW + 100));
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
        assertThat(alerts().get(1).getAttempts()).isEqualTo(40);

        long later = T0 + 10 * WINDOW;
        for (int port = 1; port <= 15; port++) {
            send(tcp(later + port, 7, 1, port, SYN, 0));
        }
        List<Alert> all = alerts();
        assertThat(all).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED, AlertState.OPEN);
        assertThat(all.get(2).getEpisodeId()).isNotEqualTo(all.get(0).getEpisodeId());
        assertThat(all.get(2).getAttempts()).isEqualTo(15);
    }

    @Test
    void aSweepOfOneHundredThousandAddressesKeepsTheStateUnderItsBound() throws Exception {
        int n = 100_000;
        for (int host = 0; host < n; host++) {
            FlowRecord r = tcp(T0 + host / 1000, 7, 0, 80, SYN, 0);
            r.getDstAddr().bytes()[13] = (byte) (host >>> 16); // 192.{host} over 24 bits
            r.getDstAddr().bytes()[14] = (byte) (host >>> 8);
            r.getDstAddr().bytes()[15] = (byte) host;
            send(r);
        }
        ScanState s = detector.current();
        int tracked = DetectSettings.defaults().maxTrackedPerScanner();
        // ScanState's documented bound: 2 × tracked × (key + 256-byte counter), plus 8 sample peers and ports.
        int bound = 2 * tracked * (Long.BYTES + 256) + Episode.SAMPLES * (16 + Integer.BYTES);
        System.out.printf("100,000-address sweep: %d bytes of state (bound %d), %d hosts tracked, estimate %d%n",
                s.sizeBytes(), bound, s.portsByHost.size(), s.maxHosts);
        assertThat(s.sizeBytes()).isLessThanOrEqualTo(bound);
        assertThat(s.portsByHost).hasSize(tracked);
        assertThat(s.hostsByPort.get(80).sketch).as("the HyperLogLog took over").isNotNull();
        assertThat((double) s.maxHosts).isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(20)); // 3 × 6.5%
        assertThat(alerts()).singleElement().extracting(Alert::getDistinctHosts).isEqualTo(25L);
    }

    @Test
    void anOpenEpisodeSurvivesACheckpointAndRestoreWithoutASecondOpen() throws Exception {
        for (int port = 1; port <= 20; port++) {
            send(tcp(T0 + port, 7, 1, port, SYN, 0));
        }
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN);
        var snapshot = harness.snapshot(1, T0 + 100); // the state goes through its serializer (a POJO serializer)
        harness.close();

        detector = new PortScanDetector(DetectSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), DetectKeys.SOURCE,
                BinaryKey.TYPE);
        harness.initializeState(snapshot);
        harness.open();
        for (int port = 21; port <= 30; port++) {
            send(tcp(T0 + port, 7, 1, port, SYN, 0));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).singleElement().satisfies(closed -> {
            assertThat(closed.getState()).isEqualTo(AlertState.CLOSED);
            assertThat(closed.getEpisodeId()).isEqualTo(T0 + 15);
            assertThat(closed.getAttempts()).isEqualTo(30);
            assertThat(closed.getDistinctPorts()).isEqualTo(30);
        });
    }

    private void send(FlowRecord r) throws Exception {
        harness.processElement(new StreamRecord<>(r, r.getLastMs()));
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }
}
