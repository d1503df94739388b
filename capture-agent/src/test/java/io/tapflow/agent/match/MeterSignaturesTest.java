package io.tapflow.agent.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.AvroRecords;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.classifier.match.MatcherEngine;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.match.SignatureSet;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The meter scans payload samples: ids on every sample and their union on the flow record, the same for both engines. */
class MeterSignaturesTest {
    /** Per flow: the ids of its samples in order, and the ids its record carried. */
    private static final class Recording implements FlowSink {
        final AvroRecords avro = new AvroRecords(new AgentIdentity("test", "link", 1));
        final Map<Long, List<List<Integer>>> samples = new LinkedHashMap<>();
        final Map<Long, List<Integer>> flows = new LinkedHashMap<>();
        long records;

        @Override
        public void flow(FlowTable table, int slot, EndReason reason) {
            FlowRecord r = avro.flow(table, slot, reason);
            flows.put(r.getFlowSeq(), List.copyOf(r.getSignatureIds()));
            Set<Integer> union = new LinkedHashSet<>();
            samples.getOrDefault(r.getFlowSeq(), List.of()).forEach(union::addAll);
            assertThat(r.getSignatureIds()).as("flow %d", r.getFlowSeq())
                    .isEqualTo(union.stream().limit(FlowTable.SIGNATURES_PER_FLOW).toList());
            assertThat(table.signaturesDropped(slot)).isEqualTo(union.size() > FlowTable.SIGNATURES_PER_FLOW);
            records++;
        }

        @Override
        public void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                           long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
            PayloadSample s = avro.sample(table, slot, direction, packetIndex, tsNs, data, payloadOffset, capturedBytes,
                    payloadLength, signatures);
            assertThat(s.getSignatureIds()).containsExactly(box(signatures.toArray()));
            samples.computeIfAbsent(s.getFlowSeq(), k -> new ArrayList<>()).add(List.copyOf(s.getSignatureIds()));
        }

        @Override
        public void stats(AgentStats stats) {
        }

        @Override
        public void close() {
        }
    }

    private static Integer[] box(int[] a) {
        Integer[] b = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private static Recording meter(Path capture, PatternMatcher matcher) {
        Recording sink = new Recording();
        // No active-timeout slices: each record is a whole flow, so its ids are the union of its samples' (slices keep
        // their flow's ids: FlowTableTest).
        MeterSettings d = MeterSettings.defaults();
        MeterSettings settings = new MeterSettings(d.flowCapacity(), d.idleTimeoutNs(), Long.MAX_VALUE / 4, d.flushIntervalNs(),
                d.closeGraceNs(), d.samplePacketsPerDirection(), d.sampleBytes(), d.fragmentEntries());
        Meter meter = new Meter(settings, sink, (m, ts, last) -> { }, matcher);
        new CaptureReplay(meter, 0, () -> false).run(List.of(capture));
        meter.finish(EndReason.END_OF_INPUT);
        return sink;
    }

    @Test
    void samplesCarryTheirIdsAndFlowsTheUnionForBothEngines() throws IOException {
        SignatureSet set = SignatureSet.defaults();
        List<Path> captures;
        try (var list = Files.list(TestData.root().resolve("pcap"))) {
            captures = list.sorted().toList();
        }
        long samplesWithIds = 0;
        Set<Integer> seen = new LinkedHashSet<>();
        try (PatternMatcher ac = MatcherEngine.AHO_CORASICK.compile(set); PatternMatcher hs = MatcherEngine.HYPERSCAN.compile(set)) {
            for (Path capture : captures) {
                Recording a = meter(capture, ac);
                Recording h = meter(capture, hs);
                assertThat(h.samples).as(capture + ": hyperscan sample ids").isEqualTo(a.samples);
                assertThat(h.flows).as(capture + ": hyperscan flow ids").isEqualTo(a.flows);
                assertThat(a.records).isEqualTo(a.flows.size());
                a.flows.values().forEach(seen::addAll);
                samplesWithIds += a.samples.values().stream().flatMap(List::stream).filter(l -> !l.isEmpty()).count();
            }
        }
        assertThat(samplesWithIds).isGreaterThan(300);
        assertThat(seen).as("handshakes of BitTorrent, SSH, SIP, RTSP, MQTT, STUN, TLS, HTTP").contains(100, 30, 80, 70, 131, 95, 22, 1);
    }

    @Test
    void withoutAMatcherSamplesAndFlowsCarryNoIds() {
        Recording r = meter(TestData.pcap("bittorrent.pcap"), null);
        assertThat(r.samples).isNotEmpty();
        assertThat(r.samples.values()).allSatisfy(l -> assertThat(l).allSatisfy(ids -> assertThat(ids).isEmpty()));
        assertThat(r.flows.values()).allSatisfy(ids -> assertThat(ids).isEmpty());
    }

    @Test
    void bitTorrentHandshakesAreFoundInTheirSamples() {
        try (PatternMatcher ac = MatcherEngine.AHO_CORASICK.compile(SignatureSet.defaults())) {
            Recording r = meter(TestData.pcap("bittorrent.pcap"), ac);
            long handshakes = r.samples.values().stream().flatMap(List::stream).filter(l -> l.contains(100)).count();
            assertThat(handshakes).isGreaterThan(10);
            assertThat(r.flows.values().stream().filter(l -> l.contains(100)).count()).isGreaterThan(5);
        }
    }
}
