package io.tapflow.jobs.detect;

import static io.tapflow.jobs.detect.DetectFlows.DATA;
import static io.tapflow.jobs.detect.DetectFlows.SYN;
import static io.tapflow.jobs.detect.DetectFlows.SYN_ACK;
import static io.tapflow.jobs.detect.DetectFlows.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrwScanDetectorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long WINDOW = TrwSettings.defaults().window().toMillis();
    private static final int RST_ACK = TcpFlags.RST | TcpFlags.ACK;
    private TrwScanDetector detector;
    private KeyedOneInputStreamOperatorTestHarness<BinaryKey, FlowRecord, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        detector = new TrwScanDetector(TrwSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), DetectKeys.SOURCE,
                BinaryKey.TYPE);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void theDefaultWalkNeedsFourFailuresToDetectAndFourSuccessesToReset() {
        TrwSettings d = TrwSettings.defaults();
        assertThat(Math.exp(d.logUpper())).isCloseTo(99.0, org.assertj.core.data.Offset.offset(1e-9)); // η1 = 0.99 / 0.01
        assertThat(Math.exp(d.logLower())).isCloseTo(0.01 / 0.99, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Math.exp(d.logFailure())).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-12)); // 0.8 / 0.2
        assertThat(Math.exp(d.logSuccess())).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-12)); // 0.2 / 0.8
        assertThat(d.failuresToDetect()).as("4^3 = 64 < 99 <= 4^4 = 256").isEqualTo(4);
        assertThat(d.successesToReset()).as("0.25^3 > 0.0101 >= 0.25^4").isEqualTo(4);
        TrwSettings strict = new TrwSettings(0.8, 0.2, 0.999, 0.001, Duration.ofMinutes(5), 0.8, 1024);
        assertThat(strict.failuresToDetect()).as("η1 = 999: 4^5 = 1024").isEqualTo(5);
    }

    @Test
    void badParametersAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> new TrwSettings(0.2, 0.8, 0.99, 0.01, Duration.ofMinutes(5), 0.8, 1024))
                .hasMessageContaining("0 < theta1 < theta0 < 1, got theta0 0.2, theta1 0.8");
        assertThatThrownBy(() -> new TrwSettings(0.8, 0.2, 0.01, 0.99, Duration.ofMinutes(5), 0.8, 1024))
                .hasMessageContaining("0 < P_F < P_D < 1, got P_D 0.01, P_F 0.99");
        assertThatThrownBy(() -> new TrwSettings(0.8, 0.2, 0.99, 0.01, Duration.ZERO, 0.8, 1024))
                .hasMessageContaining("window must be at least 1 ms");
        assertThatThrownBy(() -> new TrwSettings(0.8, 0.2, 0.99, 0.01, Duration.ofMinutes(5), 0.8, 0))
                .hasMessageContaining("1-1048576, got 0");
    }

    @Test
    void fourFailedFirstContactsOpenAnEpisodeOnceAndEndOfInputClosesIt() throws Exception {
        for (int host = 1; host <= 3; host++) {
            send(tcp(T0 + host, 7, host, 22, SYN, 0));
        }
        assertThat(alerts()).as("3 failures: Λ = 64 < 99").isEmpty();
        send(tcp(T0 + 4, 7, 4, 22, SYN, RST_ACK)); // refused: a failure too
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.OPEN);
            assertThat(a.getDetector()).isEqualTo("trw_scan");
            assertThat(a.getKind()).isEqualTo("trw");
            assertThat(a.getSubject()).isEqualTo("10.0.0.7");
            assertThat(a.getAttempts()).as("first contacts it took").isEqualTo(4);
            assertThat(a.getDistinctHosts()).isEqualTo(4);
            assertThat(a.getDistinctPorts()).isEqualTo(1);
            assertThat(a.getScore()).isCloseTo(Math.log(256) / Math.log(99), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(a.getEpisodeId()).isEqualTo(T0 + 4);
        });
        for (int host = 5; host <= 20; host++) { // the scan goes on: crosses again, raises nothing more
            send(tcp(T0 + host, 7, host, 22, SYN, 0));
        }
        assertThat(alerts()).hasSize(1);

        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(alerts()).hasSize(2).last().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.CLOSED);
            assertThat(a.getEpisodeId()).isEqualTo(T0 + 4);
            assertThat(a.getAttempts()).isEqualTo(20);
            assertThat(a.getDistinctHosts()).isEqualTo(20);
        });
        assertThat(detector.current()).as("state cleared once the episode closed").isNull();
    }

    @Test
    void aVerticalScanOfOneHostIsJudgedByDestinationPort() throws Exception {
        for (int port = 1; port <= 4; port++) {
            send(tcp(T0 + port, 7, 1, port, SYN, RST_ACK));
        }
        assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.getDistinctPorts()).isEqualTo(4));
    }

    @Test
    void aClientRetryingDeadServersIsOneFailurePerDestination() throws Exception {
        for (int retry = 0; retry < 50; retry++) { // 3 dead servers, retried again and again (new source ports)
            for (int host = 1; host <= 3; host++) {
                FlowRecord r = tcp(T0 + retry * 1000L + host, 7, host, 443, SYN, 0);
                r.setSrcPort(40_000 + retry);
                send(r);
            }
        }
        assertThat(alerts()).isEmpty();
        assertThat(detector.current().episode.attempts).as("3 first contacts, 147 repeats").isEqualTo(3);
    }

    @Test
    void aP2pClientTryingStalePeersOnTheirOwnHighPortsIsNotAScanner() throws Exception {
        for (int host = 1; host <= 40; host++) { // each peer a host of its own on a port of its own: all fail
            send(tcp(T0 + host, 7, host, 6000 + host * 7, SYN, host % 2 == 0 ? 0 : RST_ACK));
        }
        for (int host = 41; host <= 44; host++) { // the same failures, but on one port: a horizontal scan
            send(tcp(T0 + host, 8, host, 6346, SYN, 0));
        }
        assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.getSubject()).isEqualTo("10.0.0.8"));
    }

    @Test
    void failuresOnAWellKnownPortAreNotPeerChurn() throws Exception {
        send(tcp(T0 + 1, 7, 1, 445, SYN, 0)); // one service port among the failures: the walk judges it a scan
        for (int host = 2; host <= 4; host++) {
            send(tcp(T0 + host, 7, host, 6000 + host, SYN, 0));
        }
        assertThat(alerts()).hasSize(1);
    }

    @Test
    void theInitiatorsAckIsASuccessWhenTheTapSeesOneDirection() throws Exception {
        for (int host = 1; host <= 20; host++) { // ocs.pcap: only the client's packets, handshake completed
            send(tcp(T0 + host, 7, host, 80, DATA, 0));
        }
        assertThat(TrwScanDetector.outcome(tcp(T0, 7, 1, 80, DATA, 0))).isEqualTo(TrwScanDetector.Outcome.SUCCESS);
        assertThat(TrwScanDetector.outcome(tcp(T0, 7, 1, 80, SYN, 0))).isEqualTo(TrwScanDetector.Outcome.FAILURE);
        assertThat(TrwScanDetector.outcome(tcp(T0, 7, 1, 80, SYN, RST_ACK))).isEqualTo(TrwScanDetector.Outcome.FAILURE);
        assertThat(alerts()).isEmpty();
    }

    @Test
    void crossingTheLowerThresholdRestartsTheWalk() throws Exception {
        for (int host = 1; host <= 4; host++) {
            send(tcp(T0 + host, 7, host, 443, DATA, SYN_ACK | TcpFlags.PSH));
        }
        assertThat(detector.current().logRatio).as("4 successes reach η0: the walk starts again").isZero();
        for (int host = 5; host <= 8; host++) {
            send(tcp(T0 + host, 7, host, 443, SYN, 0));
        }
        assertThat(alerts()).as("without the restart Λ would be 0.25^4 × 4^4 = 1").hasSize(1);
    }

    @Test
    void successesBetweenFailuresKeepABenignClientBelowTheThreshold() throws Exception {
        for (int host = 1; host <= 200; host++) { // one dead server in three: θ = 0.67, nearer θ0 than θ1
            boolean dead = host % 3 == 0;
            send(tcp(T0 + host, 7, host, 443, dead ? SYN : DATA, dead ? 0 : SYN_ACK | TcpFlags.PSH));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void udpAndConnectionsSeenMidwayAreNotJudged() throws Exception {
        for (int host = 1; host <= 20; host++) {
            FlowRecord udp = tcp(T0 + host, 7, host, 514, 0, 0);
            udp.setL4Proto(17); // syslog: one-way by design
            send(udp);
            send(tcp(T0 + host, 7, host, 443, TcpFlags.ACK | TcpFlags.PSH, 0)); // started before the capture
        }
        assertThat(alerts()).isEmpty();
        assertThat(detector.current()).as("no state for flows that are not judged").isNull();
    }

    @Test
    void aWindowWithoutACrossingClosesTheEpisode() throws Exception {
        for (int host = 1; host <= 4; host++) {
            send(tcp(T0 + host, 7, host, 22, SYN, 0));
        }
        send(tcp(T0 + WINDOW + 10, 7, 100, 443, DATA, SYN_ACK | TcpFlags.PSH)); // next window: a success only
        harness.processWatermark(new Watermark(T0 + 2 * WINDOW + 10));
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
    }

    @Test
    void aMillionDestinationSweepKeepsTheStateBounded() throws Exception {
        int max = TrwSettings.defaults().maxTracked();
        int peak = 0;
        for (int i = 0; i < 1_000_000; i++) {
            FlowRecord r = tcp(T0 + i / 10, 7, i & 0xFFFF, 1 + (i >>> 16), SYN, 0);
            send(r);
            if ((i & 0xFFF) == 0 || i == 999_999) {
                peak = Math.max(peak, detector.current().sizeBytes());
            }
        }
        TrwState s = detector.current();
        assertThat(s.contacted.size).isEqualTo(max);
        assertThat(s.contacted.sizeBytes()).isLessThanOrEqualTo(16 * max);
        assertThat(peak).as("16 KiB of destinations, 2 × 256 B of counts, samples").isLessThanOrEqualTo(16 * max + 1024);
        assertThat(alerts()).hasSize(1);
        System.out.println("TRW state of one source after a 1,000,000-destination sweep: " + peak + " bytes at most");
    }

    private void send(FlowRecord r) throws Exception {
        harness.processElement(new StreamRecord<>(r, r.getLastMs()));
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }
}
