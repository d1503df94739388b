package io.tapflow.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.Address16;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class P2pDetectorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final Address16 HOST = Flows.ipv4(10, 0, 0, 1);
    private P2pDetector detector;
    private KeyedOneInputStreamOperatorTestHarness<BinaryKey, HostFlow, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        detector = new P2pDetector(DetectSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), HostFlow.HOST,
                BinaryKey.TYPE);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Peer 198.51.{n / 256}.{n % 256}, n from 1. */
    private static Address16 peer(int n) {
        return Flows.ipv4(198, 51, n >>> 8 & 0xFF, n & 0xFF);
    }

    private static FlowRecord flow(long lastMs, int proto, Address16 src, int srcPort, Address16 dst, int dstPort) {
        FlowRecord r = DetectFlows.tcp(lastMs, 1, 1, dstPort, proto == TCP ? DetectFlows.DATA : 0, 0);
        r.setL4Proto(proto);
        r.setSrcAddr(src);
        r.setSrcPort(srcPort);
        r.setDstAddr(dst);
        r.setPacketsRev(1); // answered: both hosts took part (a destination that never answers is not judged)
        r.setBytesRev(60);
        return r;
    }

    @Test
    void tcpAndUdpWithThreePeersOpensOnceAndClosesAtEndOfInputWithFinalEvidence() throws Exception {
        for (int n = 1; n <= 2; n++) {
            send(flow(T0 + n, TCP, HOST, 50_000 + n, peer(n), 6881));
            send(flow(T0 + n, UDP, peer(n), 6881, HOST, 6881)); // the peer's UDP, answered: the other direction
        }
        assertThat(alerts()).as("2 peers is below the default 3").isEmpty();
        send(flow(T0 + 3, TCP, HOST, 50_003, peer(3), 51_413));
        send(flow(T0 + 4, UDP, HOST, 6881, peer(3), 51_413));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getDetector()).isEqualTo("p2p");
            assertThat(a.getKind()).isEqualTo("tcp_udp");
            assertThat(a.getState()).isEqualTo(AlertState.OPEN);
            assertThat(a.getSubject()).isEqualTo("10.0.0.1");
            assertThat(a.getSubjectPort()).isEqualTo(-1);
            assertThat(a.getDistinctHosts()).isEqualTo(3);
            assertThat(a.getEpisodeId()).isEqualTo(T0 + 4);
        });
        send(flow(T0 + 5, TCP, HOST, 50_004, peer(4), 7000));
        send(flow(T0 + 6, UDP, HOST, 6881, peer(4), 7000));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        List<Alert> all = alerts();
        assertThat(all).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
        Alert closed = all.get(1);
        assertThat(closed.getEpisodeId()).isEqualTo(all.get(0).getEpisodeId());
        assertThat(closed.getDistinctHosts()).isEqualTo(4);
        assertThat(closed.getAttempts()).isEqualTo(8);
        assertThat(closed.getScore()).isCloseTo(4.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(closed.getSamplePorts()).contains(6881, 51_413, 7000);
        assertThat(detector.current()).as("state cleared once the episode closed").isNull();
    }

    @Test
    void serviceTrafficOverTcpAndUdpDoesNotCount() throws Exception {
        for (int n = 1; n <= 50; n++) {
            send(flow(T0 + n, TCP, HOST, 50_000 + n, peer(n), 53)); // DNS over TCP and UDP
            send(flow(T0 + n, UDP, HOST, 50_000 + n, peer(n), 53));
            send(flow(T0 + n, TCP, HOST, 50_000 + n, peer(n), 443)); // HTTPS and QUIC
            send(flow(T0 + n, UDP, HOST, 50_000 + n, peer(n), 443));
            send(flow(T0 + n, UDP, HOST, 5355, Flows.ipv4(224, 0, 0, 252), 5355 + n)); // multicast: not a peer
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void anEndpointReachedByTenPeersFromOnePortEachIsP2pButAServersClientsReusingAddressesAreNot() throws Exception {
        for (int n = 1; n <= 9; n++) {
            send(flow(T0 + n, TCP, peer(n), 30_000 + n, HOST, 6346));
            for (int c = 0; c < 5; c++) { // a service's clients: 5 connections each, from 5 ports
                send(flow(T0 + n, TCP, peer(100 + n), 40_000 + 10 * n + c, HOST, 9000));
            }
        }
        assertThat(alerts()).as("9 peers is below the default 10").isEmpty();
        send(flow(T0 + 10, TCP, peer(10), 30_010, HOST, 6346));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("endpoint");
            assertThat(a.getDistinctHosts()).isEqualTo(10);
            assertThat(a.getDistinctPorts()).isEqualTo(10);
        });
        for (int n = 10; n <= 40; n++) { // 40 clients × 5 ports: 40 addresses, 200 ports
            for (int c = 0; c < 5; c++) {
                send(flow(T0 + 20 + n, TCP, peer(100 + n), 40_000 + 10 * n + c, HOST, 9000));
            }
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).extracting(Alert::getKind).containsExactly("endpoint", "endpoint");
    }

    @Test
    void outboundConnectionsToTenPeersOnTheirOwnPortsArePeerPortsButManyServersOnOnePortAreNot() throws Exception {
        Address16 client = Flows.ipv4(10, 0, 0, 2);
        for (int n = 1; n <= 60; n++) {
            send(flow(T0 + n, TCP, client, 50_000 + n, peer(n), 5228)); // a push service's servers: one port
            send(flow(T0 + n, TCP, client, 51_000 + n, peer(n), 993)); // a mail client
            send(flow(T0 + n, TCP, client, 52_000 + n, peer(n), 100 + n)); // privileged ports: servers, not peers
        }
        for (int n = 1; n <= 9; n++) {
            send(flow(T0 + 100 + n, TCP, HOST, 50_000 + n, peer(n), 10_000 + 7 * n));
        }
        assertThat(alerts()).isEmpty();
        send(flow(T0 + 110, TCP, HOST, 50_010, peer(10), 10_070));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).extracting(Alert::getSubject, Alert::getKind, Alert::getState).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.0.0.1", "peer_ports", AlertState.OPEN),
                org.assertj.core.groups.Tuple.tuple("10.0.0.1", "peer_ports", AlertState.CLOSED));
    }

    @Test
    void aQuietWindowClosesTheEpisodeAndALaterOneIsANewEpisode() throws Exception {
        long window = DetectSettings.defaults().p2pWindow().toMillis();
        for (int n = 1; n <= 10; n++) {
            send(flow(T0 + n, TCP, HOST, 50_000 + n, peer(n), 10_000 + n));
        }
        harness.processWatermark(new Watermark(T0 + 3 * window));
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
        for (int n = 1; n <= 10; n++) {
            send(flow(T0 + 10 * window + n, TCP, HOST, 50_000 + n, peer(n), 10_000 + n));
        }
        assertThat(alerts()).extracting(Alert::getState)
                .containsExactly(AlertState.OPEN, AlertState.CLOSED, AlertState.OPEN);
        assertThat(alerts().get(2).getEpisodeId()).isEqualTo(T0 + 10 * window + 10);
    }

    @Test
    void oneHundredThousandPeersKeepTheStateUnderItsBound() throws Exception {
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            Address16 p = Flows.ipv4(100, i >>> 16 & 0xFF, i >>> 8 & 0xFF, i & 0xFF);
            int port = 1024 + i % 60_000;
            send(flow(T0 + i / 1000, TCP, HOST, 20_000 + i % 40_000, p, port));
            send(flow(T0 + i / 1000, UDP, HOST, 6881, p, port));
            send(flow(T0 + i / 1000, TCP, p, port, HOST, 1024 + i % 60_000)); // endpoints: one per port, bounded
        }
        P2pState s = detector.current();
        int tracked = DetectSettings.defaults().p2pMaxTracked();
        // P2pState's documented bound: 4 × tracked peers × 9 bytes, tracked endpoints × 2 × (key + 256-byte
        // counter), two outbound counters, the samples.
        int bound = 4 * tracked * (Long.BYTES + 1) + 2 * tracked * (Integer.BYTES + 256) + 2 * 256
                + Episode.SAMPLES * (16 + Integer.BYTES);
        System.out.printf("100,000 peers: %d bytes of P2P state (bound %d), %d peers and %d endpoints tracked, "
                + "outbound estimate %d addresses / %d ports%n", s.sizeBytes(), bound, s.protosByPeer.size(),
                s.endpointAddrs.size(), s.outboundAddrs.count(), s.outboundPorts.count());
        assertThat(s.sizeBytes()).isLessThanOrEqualTo(bound);
        assertThat(s.protosByPeer).hasSize(4 * tracked);
        assertThat(s.endpointAddrs).hasSize(tracked);
        assertThat((double) s.outboundAddrs.count()).isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(20));
        assertThat(alerts()).singleElement().extracting(Alert::getState).isEqualTo(AlertState.OPEN);
    }

    @Test
    void anOpenEpisodeSurvivesACheckpointAndRestoreWithoutASecondOpen() throws Exception {
        for (int n = 1; n <= 10; n++) {
            send(flow(T0 + n, TCP, HOST, 50_000 + n, peer(n), 10_000 + n));
        }
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN);
        var snapshot = harness.snapshot(1, T0 + 100);
        harness.close();
        detector = new P2pDetector(DetectSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), HostFlow.HOST,
                BinaryKey.TYPE);
        harness.initializeState(snapshot);
        harness.open();
        for (int n = 11; n <= 12; n++) {
            send(flow(T0 + n, TCP, HOST, 50_000 + n, peer(n), 10_000 + n));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).singleElement().satisfies(closed -> {
            assertThat(closed.getState()).isEqualTo(AlertState.CLOSED);
            assertThat(closed.getEpisodeId()).isEqualTo(T0 + 10);
            assertThat(closed.getDistinctHosts()).isEqualTo(12);
            assertThat(closed.getAttempts()).isEqualTo(12);
        });
    }

    @Test
    void aProbesUnansweredTargetGetsNoState() throws Exception {
        for (int n = 1; n <= 1_000; n++) {
            FlowRecord probe = flow(T0 + n, TCP, HOST, 40_000, peer(n), 6881);
            probe.setPacketsRev(0); // never answered
            probe.setBytesRev(0);
            probe.setTcpFlagsFwd(DetectFlows.SYN);
            send(probe);
        }
        assertThat(harness.numKeyedStateEntries()).as("the prober's state only").isEqualTo(1);
        assertThat(detector.current()).isNull(); // the current key is the last target
    }

    /** The flow as the stage feeds it: once from each end. */
    private void send(FlowRecord r) throws Exception {
        List<HostFlow> views = new ArrayList<>(2);
        HostFlow.BOTH_ENDS.flatMap(r, new Collector<>() {
            @Override
            public void collect(HostFlow f) {
                views.add(f);
            }

            @Override
            public void close() {
            }
        });
        for (HostFlow f : views) {
            harness.processElement(new StreamRecord<>(f, r.getLastMs()));
        }
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }
}
