package io.tapflow.jobs.detect;

import static io.tapflow.jobs.detect.DetectFlows.SYN;
import static io.tapflow.jobs.detect.DetectFlows.halfOpen;
import static io.tapflow.jobs.detect.DetectFlows.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.function.FunctionWithException;
import org.junit.jupiter.api.Test;

/**
 * The detectors' state is serialized by Flink's own POJO, map, list and array serializers, not Kryo: with generic
 * types disabled (where a Kryo fallback throws) the serializers are created, round-trip a full state, and carry an
 * open episode through a checkpoint and restore.
 */
class DetectStateTypesTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void scanAndFloodStateArePojosWithoutGenericTypes() throws Exception {
        SerializerConfigImpl noGenerics = new SerializerConfigImpl();
        noGenerics.setGenericTypes(false);

        TypeInformation<ScanState> scanType = TypeInformation.of(ScanState.class);
        assertThat(scanType).isInstanceOf(PojoTypeInfo.class);
        ScanState scan = new ScanState();
        scan.startWindow(T0, 300_000);
        DistinctCounter big = new DistinctCounter();
        for (int i = 0; i < 100; i++) {
            big.add(Hashes.port(i)); // past the exact range: a HyperLogLog inside
        }
        scan.portsByHost.put(42L, big);
        scan.hostsByPort.put(80, new DistinctCounter());
        scan.hostsByPort.get(80).add(7);
        scan.episode.linkId = "lab";
        scan.episode.subjectAddr = new byte[16];
        scan.episode.count(tcp(T0, 7, 1, 80, SYN, 0), new byte[16]);
        ScanState scanCopy = roundTrip(scanType.createSerializer(noGenerics), scan);
        assertThat(scanCopy.portsByHost.get(42L).count()).isEqualTo(big.count()).isGreaterThan(90);
        assertThat(scanCopy.portsByHost.get(42L).sketch.registers).isEqualTo(big.sketch.registers);
        assertThat(scanCopy.hostsByPort.get(80).count()).isEqualTo(1);
        assertThat(scanCopy.windowEndMs).isEqualTo(T0 + 300_000);
        assertThat(scanCopy.episode.samplePeers).hasSize(1);
        assertThat(scanCopy.episode.samplePorts).containsExactly(80);
        assertThat(scanCopy.episode.linkId).isEqualTo("lab");

        TypeInformation<FloodState> floodType = TypeInformation.of(FloodState.class);
        assertThat(floodType).isInstanceOf(PojoTypeInfo.class);
        FloodState flood = new FloodState(6);
        flood.add(T0, 10_000);
        flood.add(T0 + 5, 10_000);
        FloodState floodCopy = roundTrip(floodType.createSerializer(noGenerics), flood);
        assertThat(floodCopy.attempts(T0 + 5, 10_000)).isEqualTo(2);
        assertThat(floodCopy.firstMs(T0 + 5, 10_000)).isEqualTo(T0);
        assertThat(floodCopy.episode.subjectAddr).isNull();
        assertThat(floodCopy.initiators.sketch).isNull();
    }

    @Test
    void openEpisodesSurviveACheckpointWithGenericTypesDisabled() throws Exception {
        List<Alert> scans = checkpointed(() -> new PortScanDetector(DetectSettings.defaults()), DetectKeys.SOURCE,
                port -> tcp(T0 + port, 7, 1, port, SYN, 0));
        assertThat(scans).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
        assertThat(scans.get(1).getAttempts()).isEqualTo(40);

        List<Alert> floods = checkpointed(() -> new SynFloodDetector(DetectSettings.defaults()), DetectKeys.VICTIM,
                i -> halfOpen(T0 + i, i, 443));
        assertThat(floods).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
    }

    /**
     * Sends 150 flows (0..149) with a checkpoint and restore after the first 120: alerts of both halves. With
     * 20 ports the scan is open before the checkpoint; a flood needs 100 attempts.
     */
    private static List<Alert> checkpointed(java.util.function.Supplier<KeyedProcessFunction<BinaryKey, FlowRecord, Alert>> detector,
                                            org.apache.flink.api.java.functions.KeySelector<FlowRecord, BinaryKey> key,
                                            FunctionWithException<Integer, FlowRecord, Exception> flow) throws Exception {
        var harness = harness(detector.get(), key);
        harness.open();
        int split = 120;
        int total = 150;
        boolean scan = key == DetectKeys.SOURCE;
        if (scan) {
            split = 20;
            total = 40;
        }
        for (int i = 1; i <= split; i++) {
            FlowRecord r = flow.apply(i);
            harness.processElement(new StreamRecord<>(r, r.getLastMs()));
        }
        List<Alert> before = harness.extractOutputValues();
        var snapshot = harness.snapshot(1, T0 + 1_000);
        harness.close();

        harness = harness(detector.get(), key);
        harness.initializeState(snapshot);
        harness.open();
        for (int i = split + 1; i <= total; i++) {
            FlowRecord r = flow.apply(i);
            harness.processElement(new StreamRecord<>(r, r.getLastMs()));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        List<Alert> after = harness.extractOutputValues();
        harness.close();
        return java.util.stream.Stream.concat(before.stream(), after.stream()).toList();
    }

    private static KeyedOneInputStreamOperatorTestHarness<BinaryKey, FlowRecord, Alert> harness(
            KeyedProcessFunction<BinaryKey, FlowRecord, Alert> detector,
            org.apache.flink.api.java.functions.KeySelector<FlowRecord, BinaryKey> key) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector), key,
                BinaryKey.TYPE);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return harness;
    }

    @Test
    void p2pAndFanOutStateRoundTripWithoutGenericTypes() throws Exception {
        SerializerConfigImpl noGenerics = new SerializerConfigImpl();
        noGenerics.setGenericTypes(false);

        P2pState p2p = new P2pState();
        p2p.startWindow(T0, 300_000);
        p2p.protosByPeer.put(7L, (byte) 3);
        p2p.tcpUdpPeers = 1;
        p2p.endpointAddrs.put(6881, new DistinctCounter());
        p2p.endpointAddrs.get(6881).add(11);
        p2p.endpointPorts.put(6881, new DistinctCounter());
        p2p.outboundAddrs.add(12);
        p2p.crossed = true;
        P2pState p2pCopy = roundTrip(TypeInformation.of(P2pState.class).createSerializer(noGenerics), p2p);
        assertThat(p2pCopy.protosByPeer).containsEntry(7L, (byte) 3);
        assertThat(p2pCopy.endpointAddrs.get(6881).count()).isEqualTo(1);
        assertThat(p2pCopy.outboundAddrs.count()).isEqualTo(1);
        assertThat(p2pCopy.windowEndMs).isEqualTo(T0 + 300_000); // the inherited window fields travel too
        assertThat(p2pCopy.crossed).isTrue();

        FanOutState fan = new FanOutState();
        fan.startWindow(T0, 300_000);
        fan.peers.add(5);
        fan.connections = 9;
        fan.closeAtMs = T0 + 600_000;
        FanOutState fanCopy = roundTrip(TypeInformation.of(FanOutState.class).createSerializer(noGenerics), fan);
        assertThat(fanCopy.peers.count()).isEqualTo(1);
        assertThat(fanCopy.connections).isEqualTo(9);
        assertThat(fanCopy.closeAtMs).isEqualTo(T0 + 600_000);
    }

    @Test
    void trwStateIsAPojoAndRoundTripsWithoutGenericTypes() throws Exception {
        SerializerConfigImpl noGenerics = new SerializerConfigImpl();
        noGenerics.setGenericTypes(false);
        TypeInformation<TrwState> type = TypeInformation.of(TrwState.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);

        TrwState trw = new TrwState();
        trw.startWindow(T0, 300_000);
        for (long h = 1; h <= 20; h++) { // past the first table size: it grew
            trw.contacted.add(Hashes.mix(h), 1024);
        }
        trw.logRatio = 2.5;
        trw.failedHosts.add(3);
        trw.failuresOnHighPorts = false;
        trw.episode.linkId = "lab";
        trw.episode.subjectAddr = new byte[16];
        trw.episode.open = true;
        TrwState copy = roundTrip(type.createSerializer(noGenerics), trw);
        assertThat(copy.contacted.size).isEqualTo(20);
        assertThat(copy.contacted.add(Hashes.mix(7), 1024)).isEqualTo(ContactedSet.Added.SEEN);
        assertThat(copy.contacted.add(Hashes.mix(21), 1024)).isEqualTo(ContactedSet.Added.NEW);
        assertThat(copy.logRatio).isEqualTo(2.5);
        assertThat(copy.failedHosts.count()).isEqualTo(1);
        assertThat(copy.failuresOnHighPorts).isFalse();
        assertThat(copy.episode.open).isTrue();
        assertThat(copy.windowEndMs).isEqualTo(T0 + 300_000);
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
