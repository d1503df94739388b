package io.tapflow.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    static FlowRecord flow() {
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        a[10] = (byte) 0xFF;
        a[11] = (byte) 0xFF;
        a[15] = 1;
        b[0] = 0x20;
        b[15] = 2;
        return FlowRecord.newBuilder().setAgentId("agent-1").setLinkId("eth0").setFlowSeq(42).setAgentStartMs(1000)
                .setFirstMs(1_700_000_000_000L).setLastMs(1_700_000_000_500L).setIpVersion(6)
                .setSrcAddr(new Address16(a)).setDstAddr(new Address16(b)).setSrcPort(51000).setDstPort(443).setL4Proto(6)
                .setVlanId(10).setInnerVlanId(20).setMplsLabels(List.of(16000)).setTunnelType(TunnelType.VXLAN)
                .setPacketsFwd(10).setPacketsRev(8).setBytesFwd(1500).setBytesRev(9000).setTcpFlagsFwd(0x1B).setTcpFlagsRev(0x12)
                .setTtlMin(60).setTtlMax(64).setFragments(0).setEndReason(EndReason.TCP_FIN).setSamplingRate(1)
                .setSignatureIds(List.of(7, 9)).setPayloadSamples(3).build();
    }

    @Test
    void roundTripsWithTheSingleObjectHeader() {
        AvroCodec<FlowRecord> codec = AvroCodec.of(FlowRecord.class);
        byte[] bytes = codec.encode(flow());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(org.apache.avro.SchemaNormalization.parsingFingerprint64(FlowRecord.getClassSchema()));
        assertThat(codec.decode(bytes, "flows.v1", 0, 5)).isEqualTo(flow());
    }

    @Test
    void everyContractRoundTripsThroughTheKafkaSerdes() {
        AgentStats stats = AgentStats.newBuilder().setAgentId("a").setLinkId("l").setTsMs(1).setIntervalMs(10_000).setPackets(5)
                .setBytes(500).setMalformed(Map.of("truncated_ip_header", 2L)).setFlowsActive(1).setFlowsCreated(2)
                .setFlowsExported(1).setFlowsEvicted(0).build();
        byte[] encoded = new AvroSerializer.AgentStatsRecords().serialize(Topics.AGENT_STATS, stats);
        assertThat(new AvroDeserializer.AgentStatsRecords().deserialize(Topics.AGENT_STATS, encoded)).isEqualTo(stats);
        PayloadSample sample = PayloadSample.newBuilder().setAgentId("a").setLinkId("l").setFlowSeq(1).setIpVersion(4)
                .setSrcAddr(new Address16(new byte[16])).setDstAddr(new Address16(new byte[16])).setSrcPort(1).setDstPort(2)
                .setL4Proto(17).setDirection(Direction.REVERSE).setPacketIndex(3).setTsUs(5).setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setPayloadLength(1400).build();
        byte[] s = new AvroSerializer.PayloadSamples().serialize(Topics.PAYLOAD, sample);
        assertThat(new AvroDeserializer.PayloadSamples().deserialize(Topics.PAYLOAD, s)).isEqualTo(sample);
        assertThat(new AvroDeserializer.FlowRecords().deserialize(Topics.FLOWS,
                new AvroSerializer.FlowRecords().serialize(Topics.FLOWS, flow()))).isEqualTo(flow());
    }

    @Test
    void readsRecordsWrittenWithAnOlderSchemaOnceRegistered() {
        // v0 of the contract: FlowRecord before agent_start_ms, sampling_rate and signature_ids were added
        Schema current = FlowRecord.getClassSchema();
        List<Schema.Field> v0Fields = current.getFields().stream()
                .filter(f -> !List.of("agent_start_ms", "sampling_rate", "signature_ids").contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        Schema older = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, v0Fields);
        assertThat(older.getField("agent_start_ms")).isNull();
        assertThat(older.getField("signature_ids")).isNull();
        GenericRecord old = new GenericData.Record(older);
        FlowRecord f = flow();
        for (Schema.Field field : older.getFields()) {
            old.put(field.name(), f.get(field.name()));
        }
        byte[] bytes;
        try {
            bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        AvroCodec<FlowRecord> codec = AvroCodec.of(FlowRecord.class);
        assertThatThrownBy(() -> codec.decode(bytes, "flows.v1", 1, 7)).isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("unknown writer schema fingerprint");
        FlowRecord read = codec.addWriterSchema(older).decode(bytes, "flows.v1", 1, 7);
        assertThat(read.getFlowSeq()).isEqualTo(42);
        assertThat(read.getAgentStartMs()).isZero();
        assertThat(read.getSamplingRate()).isEqualTo(1);
        assertThat(read.getSignatureIds()).isEmpty();
    }

    @Test
    void agentStatsFromAgentsOfTheFirstContractVersionStillDecode() throws Exception {
        Schema v1;
        try (var in = getClass().getResourceAsStream("/io/tapflow/schema/history/AgentStats-1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("capture_interface")).isNull();
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            Object value = switch (field.schema().getType()) {
                case STRING -> "x";
                case LONG -> 7L;
                case MAP -> Map.of();
                default -> throw new AssertionError(field.name());
            };
            old.put(field.name(), value);
        }
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        AgentStats read = AvroCodec.of(AgentStats.class).decode(bytes, "agent-stats.v1", 0, 1);

        assertThat(read.getAgentId()).isEqualTo("x");
        assertThat(read.getKafkaDropped()).isEqualTo(7);
        assertThat(read.getCaptureInterface()).isEmpty();
    }

    @Test
    void flowRecordsFromAgentsOfTheFirstContractVersionStillDecode() throws Exception {
        Schema v1;
        try (var in = getClass().getResourceAsStream("/io/tapflow/schema/history/FlowRecord-1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("payload_samples")).isNull();
        FlowRecord current = flow();
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            Object value = current.get(field.name());
            old.put(field.name(), switch (field.schema().getType()) {
                case ENUM -> new GenericData.EnumSymbol(field.schema(), value.toString());
                case FIXED -> new GenericData.Fixed(field.schema(), ((Address16) value).bytes());
                default -> value;
            });
        }
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        FlowRecord read = AvroCodec.of(FlowRecord.class).decode(bytes, "flows.v1", 0, 1);

        assertThat(read.getPayloadSamples()).isEqualTo(-1); // unknown: a consumer must not wait for samples
        read.setPayloadSamples(3);
        assertThat(read).isEqualTo(current);
    }

    @Test
    void alertsOfTheFirstContractVersionStillDecodeWithEmptyDnsEvidence() throws Exception {
        Schema v1;
        try (var in = getClass().getResourceAsStream("/io/tapflow/schema/history/Alert-1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("sample_names")).isNull();
        Alert current = Alert.newBuilder().setDetector("port_scan").setKind("vertical").setLinkId("lab")
                .setSubjectAddr(new Address16(new byte[16])).setSubject("::").setEpisodeId(5).setState(AlertState.OPEN)
                .setWindowStartMs(1).setWindowEndMs(2).setFirstSeenMs(1).setLastSeenMs(2).setScore(1.5).setAttempts(20)
                .setDistinctPorts(15).setDistinctHosts(1).setSamplePeers(List.of(new Address16(new byte[16])))
                .setSamplePorts(List.of(22, 80)).build();
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            Object value = current.get(field.name());
            old.put(field.name(), switch (field.schema().getType()) {
                case ENUM -> new GenericData.EnumSymbol(field.schema(), value.toString());
                case FIXED -> new GenericData.Fixed(field.schema(), ((Address16) value).bytes());
                case ARRAY -> field.name().equals("sample_peers")
                        ? List.of(new GenericData.Fixed(field.schema().getElementType(), new byte[16])) : value;
                default -> value;
            });
        }
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        Alert read = AvroCodec.of(Alert.class).decode(bytes, "alerts.v1", 0, 1);

        assertThat(read.getDnsResponses()).isZero();
        assertThat(read.getDnsDomain()).isEmpty();
        assertThat(read.getSampleNames()).isEmpty();
        assertThat(read).isEqualTo(current);
    }

    @Test
    void verdictsOfTheFirstContractVersionStillDecodeAsNotDns() throws Exception {
        Schema v1;
        try (var in = getClass().getResourceAsStream("/io/tapflow/schema/history/FlowVerdict-1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("dns_rcode")).isNull();
        FlowVerdict current = FlowVerdict.newBuilder().setAgentId("a").setAgentStartMs(1).setFlowSeq(2).setLinkId("l")
                .setFirstMs(3).setLastMs(4).setAnalysis("live").setRulesVersion("abc").setApp("DNS").setServerName("x.org")
                .setConfidence("DPI").setSamples(2).build();
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            old.put(field.name(), current.get(field.name()));
        }
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        FlowVerdict read = AvroCodec.of(FlowVerdict.class).decode(bytes, "verdicts.v1", 0, 1);

        assertThat(read.getDnsRcode()).isEqualTo(-1);
        assertThat(read.getDnsQueryType()).isZero();
        assertThat(read).isEqualTo(current);
    }

    @Test
    void garbageRaisesATypedErrorNamingWhereItCameFrom() {
        AvroCodec<FlowRecord> codec = AvroCodec.of(FlowRecord.class);
        assertThatThrownBy(() -> codec.decode("not avro at all".getBytes(), "flows.v1", 2, 99))
                .isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("topic flows.v1, partition 2, offset 99")
                .hasMessageContaining("not Avro single-object encoded")
                .satisfies(e -> {
                    RecordDecodeException r = (RecordDecodeException) e;
                    assertThat(r.topic()).isEqualTo("flows.v1");
                    assertThat(r.partition()).isEqualTo(2);
                    assertThat(r.offset()).isEqualTo(99);
                });
        byte[] good = codec.encode(flow());
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> codec.decode(truncated, "flows.v1", 0, 1)).isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("corrupt FlowRecord body");
        assertThatThrownBy(() -> codec.decode(null, "flows.v1", 0, 2)).isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("tombstone");
        assertThatThrownBy(() -> new AvroDeserializer.PayloadSamples().deserialize("payload.v1", good))
                .isInstanceOf(RecordDecodeException.class).hasMessageContaining("topic payload.v1");
    }
}
