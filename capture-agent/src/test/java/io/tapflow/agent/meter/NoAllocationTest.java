package io.tapflow.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.export.NullSink;
import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.PacketSource;
import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.match.MatcherEngine;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.match.SignatureSet;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hot path (decode → fragments → flow table, and payload sampling with the pattern matcher) allocates nothing per
 * packet: a million real frames through a warm meter must allocate less than a byte per frame on the capturing thread.
 */
class NoAllocationTest {
    @Test
    void meteringRealFramesAllocatesNothingPerPacket() {
        MeterSettings noSampling = new MeterSettings(65_536, 30_000_000_000L, 120_000_000_000L, 10_000_000_000L, 2_000_000_000L, 0, 0, 4096);
        assertNoAllocation(noSampling, null, m -> { });
    }

    /**
     * Every flow is sampled (its first 15 payload packets per direction) and every sample scanned. A small table keeps
     * evicting flows, so the replayed frames keep starting new flows and taking new samples while measured.
     */
    @ParameterizedTest
    @EnumSource(value = MatcherEngine.class, names = {"AHO_CORASICK", "HYPERSCAN"})
    void samplingAndPatternMatchingAllocateNothingPerPacket(MatcherEngine engine) {
        MeterSettings sampling = new MeterSettings(64, 30_000_000_000L, 120_000_000_000L, 10_000_000_000L, 2_000_000_000L,
                MeterSettings.MAX_SAMPLES_PER_DIRECTION, 1500, 4096);
        try (PatternMatcher matcher = engine.compile(SignatureSet.defaults())) {
            long[] before = new long[2];
            Meter meter = assertNoAllocation(sampling, matcher, m -> {
                before[0] = m.counters().samples;
                before[1] = m.counters().samplesMatched;
            });
            assertThat(meter.counters().samples - before[0]).as("samples scanned while measured").isGreaterThan(50_000);
            assertThat(meter.counters().samplesMatched - before[1]).as("samples that matched while measured").isGreaterThan(1_000);
        }
    }

    private static Meter assertNoAllocation(MeterSettings settings, PatternMatcher matcher, Consumer<Meter> beforeMeasuring) {
        // Real frames of many kinds (tunnels, VLAN, IPv6, fragments, malformed) loaded into reusable batches.
        List<FrameBatch> batches = new ArrayList<>();
        List<PacketSource> open = new ArrayList<>();
        for (String name : new String[] {"teams.pcap", "vxlan.pcap", "gre.pcapng", "dns_fragmented.pcap", "6in4tunnel.pcap",
                "syslog.pcap", "badpackets.pcap", "KakaoTalk_chat.pcap", "ipv6_in_gtp.pcap"}) {
            PacketSource source = CaptureFiles.open(TestData.pcap(name));
            open.add(source);
            while (true) {
                FrameBatch b = new FrameBatch();
                if (source.nextBatch(b) == 0) {
                    break;
                }
                batches.add(b);
            }
        }
        Meter meter = new Meter(settings, new NullSink(), (m, ts, last) -> { }, matcher);
        long frames = 0;
        for (int warm = 0; warm < 20; warm++) {
            for (FrameBatch b : batches) {
                meter.process(b);
            }
        }
        beforeMeasuring.accept(meter);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        while (frames < 1_000_000) {
            for (FrameBatch b : batches) {
                meter.process(b);
                frames += b.count();
            }
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        open.forEach(PacketSource::close);
        System.out.printf("%d frames metered, %d bytes allocated (%.4f per frame)%n", frames, allocated, (double) allocated / frames);
        assertThat((double) allocated / frames).as("bytes allocated per frame").isLessThan(1.0);
        return meter;
    }
}
