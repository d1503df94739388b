package io.tapflow.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.verdict.DnsSummary;
import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.TunnelType;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DnsAnomalyDetectorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int NOERROR = 0;
    private DnsAnomalyDetector detector;
    private KeyedOneInputStreamOperatorTestHarness<BinaryKey, ClassifiedFlow, Alert> harness;

    @BeforeEach
    void open() throws Exception {
        detector = new DnsAnomalyDetector(DnsSettings.defaults());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(detector),
                DnsAnomalyDetector.CLIENT, BinaryKey.TYPE);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void tenDistinctTunnelNamesUnderOneDomainOpenATunnelEpisodeThatClosesWithItsEvidence() throws Exception {
        for (int i = 0; i < 9; i++) {
            send(query(T0 + i * 100L, 7, tunnelName(i), 16, NOERROR, 1));
        }
        assertThat(alerts()).isEmpty();
        send(query(T0 + 900, 7, tunnelName(9), 16, NOERROR, 1));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getDetector()).isEqualTo("dns_anomaly");
            assertThat(a.getKind()).isEqualTo("tunnel");
            assertThat(a.getState()).isEqualTo(AlertState.OPEN);
            assertThat(a.getSubject()).isEqualTo("10.0.0.7");
            assertThat(a.getDnsDomain()).isEqualTo("tunnel-lab.net");
            assertThat(a.getDnsDistinctNames()).isEqualTo(10);
            assertThat(a.getSampleNames()).hasSize(8).allMatch(n -> n.endsWith(".t.tunnel-lab.net"));
            assertThat(a.getAttempts()).isEqualTo(10);
            assertThat(a.getSamplePorts()).containsExactly(53);
        });
        for (int i = 10; i < 30; i++) {
            send(query(T0 + 1000 + i, 7, tunnelName(i), 16, NOERROR, 1));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        List<Alert> all = alerts();
        assertThat(all).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
        Alert closed = all.get(1);
        assertThat(closed.getEpisodeId()).isEqualTo(all.get(0).getEpisodeId());
        assertThat(closed.getDnsDistinctNames()).isEqualTo(30);
        assertThat(closed.getAttempts()).isEqualTo(30);
        assertThat(closed.getDnsResponses()).isEqualTo(30);
        assertThat(closed.getScore()).isEqualTo(3.0);
        assertThat(detector.current()).isNull();
    }

    @Test
    void oneLongNameAskedAgainAndAgainIsNotATunnel() throws Exception {
        for (int i = 0; i < 100; i++) {
            send(query(T0 + i * 100L, 7, tunnelName(0), 16, NOERROR, 1));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void mostlyNxdomainAnswersMakeAnNxdomainAnomalyOnceTwentyAreSeen() throws Exception {
        for (int i = 0; i < 19; i++) {
            send(query(T0 + i * 100L, 8, dgaName(i), 1, DnsSummary.NXDOMAIN, 0));
            send(query(T0 + i * 100L + 50, 8, "www.example.com", 1, NOERROR, 2));
        }
        assertThat(alerts()).as("19 NXDOMAIN of 38 answers").isEmpty();
        send(query(T0 + 2000, 8, dgaName(19), 1, DnsSummary.NXDOMAIN, 0));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("nxdomain");
            assertThat(a.getDnsNxdomain()).isEqualTo(20);
            assertThat(a.getDnsResponses()).isEqualTo(39);
            assertThat(a.getSampleNames()).hasSize(8).doesNotContain("www.example.com").contains(dgaName(0));
            assertThat(a.getScore()).isGreaterThan(1.0);
        });
    }

    @Test
    void aFewNxdomainAmongManyGoodAnswersIsNormal() throws Exception {
        for (int i = 0; i < 100; i++) {
            send(query(T0 + i * 100L, 9, i % 4 == 0 ? dgaName(i) : "www.example.com", 1,
                    i % 4 == 0 ? DnsSummary.NXDOMAIN : NOERROR, 1));
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).as("25 NXDOMAIN of 100").isEmpty();
    }

    @Test
    void theQueryRateWorksFromFlowRecordsAloneWithoutDpi() throws Exception {
        for (int i = 0; i < 599; i++) {
            send(ClassifiedFlow.unclassified(record(T0 + i * 50L, 10, 40_000 + i, 53, 17, 1)));
        }
        send(ClassifiedFlow.unclassified(record(T0 + 40_000, 10, 30_000, 443, 6, 1))); // not DNS
        assertThat(alerts()).isEmpty();
        send(ClassifiedFlow.unclassified(record(T0 + 40_001, 10, 50_000, 53, 17, 1)));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("query_rate");
            assertThat(a.getAttempts()).isEqualTo(600);
            assertThat(a.getDnsResponses()).isZero();
            assertThat(a.getSampleNames()).isEmpty();
        });
    }

    @Test
    void aUdpFlowCountsEveryQueryPacketAndAQuietWindowEndsTheEpisode() throws Exception {
        send(ClassifiedFlow.unclassified(record(T0, 11, 40_000, 53, 17, 700)));
        assertThat(alerts()).extracting(Alert::getKind).containsExactly("query_rate");
        long window = DnsSettings.defaults().window().toMillis();
        harness.processWatermark(new Watermark(T0 + 2 * window));
        assertThat(alerts()).extracting(Alert::getState).containsExactly(AlertState.OPEN, AlertState.CLOSED);
        assertThat(detector.current()).isNull();
    }

    @Test
    void suspiciousNamesUnderManyDomainsKeepTheStateBoundedAndAreCounted() throws Exception {
        for (int d = 0; d < 500; d++) { // under the query-rate threshold
            send(query(T0 + d, 12, tunnelName(d).replace("tunnel-lab", "lab" + d), 16, NOERROR, 1));
        }
        DnsState s = detector.current();
        assertThat(s.suspiciousByDomain).hasSize(DnsSettings.defaults().maxTrackedDomains());
        assertThat(detector.untrackedDomains()).isEqualTo(500 - 16);
        System.out.println("DNS client state after 500 tunnel-like names under 500 domains: " + s.sizeBytes() + " bytes");
        assertThat(s.sizeBytes()).isLessThan(16 * (256 + 32) + 8 * 80 + 200);
        assertThat(alerts()).as("one name per domain is no tunnel").isEmpty();
    }

    @Test
    void theStateIsAPojoThatRoundTripsWithGenericTypesDisabled() throws Exception {
        for (int i = 0; i < 40; i++) {
            send(query(T0 + i, 13, tunnelName(i), 16, DnsSummary.NXDOMAIN, 0));
        }
        DnsState s = detector.current();
        SerializerConfigImpl noGenerics = new SerializerConfigImpl();
        noGenerics.setGenericTypes(false);
        TypeInformation<DnsState> type = TypeInformation.of(DnsState.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<DnsState> serializer = type.createSerializer(noGenerics);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(s, out);
        DnsState copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        long estimate = s.suspiciousByDomain.get("tunnel-lab.net").count(); // past 32 names, a HyperLogLog's
        assertThat(estimate).isBetween(36L, 44L);
        assertThat(copy.suspiciousByDomain.get("tunnel-lab.net").count()).isEqualTo(estimate);
        assertThat(copy.suspiciousByDomain.get("tunnel-lab.net").sketch.registers)
                .isEqualTo(s.suspiciousByDomain.get("tunnel-lab.net").sketch.registers);
        assertThat(copy.nxdomain).isEqualTo(40);
        assertThat(copy.episode.sampleNames).isEqualTo(s.episode.sampleNames).hasSize(8);
        assertThat(copy.episode.kind).isEqualTo("tunnel+nxdomain");
        assertThat(copy.episode.dnsDomain).isEqualTo("tunnel-lab.net");
    }

    /** An iodine-like name: 48 base32 characters of a counter, under t.tunnel-lab.net. */
    static String tunnelName(int i) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder b = new StringBuilder();
        long x = Hashes.mix(i + 1L);
        for (int k = 0; k < 48; k++) {
            if (k % 12 == 0) {
                x = Hashes.mix(x + k);
            }
            b.append(alphabet.charAt((int) (x & 31)));
            x >>>= 5;
        }
        return b + ".t.tunnel-lab.net";
    }

    static String dgaName(int i) {
        return String.format(Locale.ROOT, "%x", Hashes.mix(i + 99L)).substring(0, 12) + ".com";
    }

    private static ClassifiedFlow query(long lastMs, int client, String name, int qtype, int rcode, int answers) {
        FlowRecord r = record(lastMs, client, 40_000 + (int) (lastMs % 20_000), 53, 17, 1);
        ClassifiedFlow c = ClassifiedFlow.unclassified(r);
        c.app = "DNS";
        c.serverName = name;
        c.dnsQueryType = qtype;
        c.dnsRcode = rcode;
        c.dnsAnswers = answers;
        return c;
    }

    private static FlowRecord record(long lastMs, int client, int srcPort, int dstPort, int proto, int packets) {
        return FlowRecord.newBuilder()
                .setAgentId("agent").setLinkId("lab").setAgentStartMs(1).setFlowSeq(lastMs)
                .setFirstMs(lastMs - 5).setLastMs(lastMs).setIpVersion(4)
                .setSrcAddr(Flows.ipv4(10, 0, 0, client)).setDstAddr(Flows.ipv4(192, 168, 0, 53))
                .setSrcPort(srcPort).setDstPort(dstPort).setL4Proto(proto)
                .setMplsLabels(List.of()).setTunnelType(TunnelType.NONE)
                .setPacketsFwd(packets).setPacketsRev(packets).setBytesFwd(80L * packets).setBytesRev(120L * packets)
                .setTcpFlagsFwd(0).setTcpFlagsRev(0)
                .setEndReason(EndReason.IDLE_TIMEOUT).setSignatureIds(List.of())
                .build();
    }

    private void send(ClassifiedFlow c) throws Exception {
        harness.processElement(new StreamRecord<>(c, c.flow.getLastMs()));
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }
}
