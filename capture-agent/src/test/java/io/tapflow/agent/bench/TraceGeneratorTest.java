package io.tapflow.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tapflow.agent.bench.TraceGenerator.FrameSize;
import io.tapflow.agent.bench.TraceGenerator.Popularity;
import io.tapflow.agent.bench.TraceGenerator.TraceSpec;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.PacketSource;
import io.tapflow.agent.testing.CollectingSink;
import io.tapflow.agent.testing.Metering;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceGeneratorTest {
    /** Nothing expires: every flow of the trace shows up once, at the end. */
    private static final MeterSettings NO_EXPIRY = new MeterSettings(1 << 16, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4,
            10_000_000_000L, 2_000_000_000L, 4, 256, 1024);

    static {
    }

    @TempDir
    Path dir;

    @Test
    void sameSpecGivesSameBytesAndAnotherSeedDoesNot() throws IOException {
        TraceSpec spec = TraceSpec.of(50_000, 5_000).withFrameSize(FrameSize.IMIX).withShares(0.7, 0.3, 0.3);
        Path a = dir.resolve("a.pcap");
        Path b = dir.resolve("b.pcap");
        Path c = dir.resolve("c.pcap");
        TraceGenerator.Result ra = TraceGenerator.generate(spec, a);
        TraceGenerator.generate(spec, b);
        TraceGenerator.generate(spec.withSeed(2), c);

        assertThat(Files.mismatch(a, b)).isEqualTo(-1L);
        assertThat(Files.mismatch(a, c)).isNotEqualTo(-1L);
        assertThat(Files.size(a)).isEqualTo(ra.fileBytes());
    }

    @Test
    void meterSeesEveryFlowAndEveryPacket() throws IOException {
        TraceSpec spec = TraceSpec.of(20_000, 2_000).withFrameSize(FrameSize.IMIX).withShares(0.5, 0.5, 0.5);
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.Result r = TraceGenerator.generate(spec, trace);

        var run = Metering.run(NO_EXPIRY, trace);

        assertThat(run.result().ok()).isTrue();
        assertThat(run.meter().counters().packets).isEqualTo(20_000);
        assertThat(run.meter().counters().notIp).isZero();
        assertThat(run.meter().counters().malformedTotal()).isZero();
        assertThat(r.flows()).isEqualTo(2_000);
        assertThat(run.sink().flows).hasSize(2_000);
        assertThat(run.sink().flows.stream().mapToLong(CollectingSink.Flow::packets).sum()).isEqualTo(20_000);
        assertThat(run.sink().flows.stream().mapToLong(CollectingSink.Flow::bytes).sum()).isEqualTo(r.frameBytes());
        // the mix the spec asks for is there
        assertThat(run.sink().flows).anyMatch(f -> f.proto().equals("TCP")).anyMatch(f -> f.proto().equals("UDP"))
                .anyMatch(f -> f.srcIp().contains(":")).anyMatch(f -> !f.srcIp().contains(":"))
                .anyMatch(f -> f.vlan() != 0).anyMatch(f -> f.vlan() == 0)
                .anyMatch(f -> f.packetsRev() > 0);
        // the client always speaks first
        assertThat(run.sink().flows).allMatch(f -> f.srcIp().startsWith("10.") || f.srcIp().startsWith("fd"));
    }

    @Test
    void moreFlowsThanPacketsGivesOneFlowPerPacket() throws IOException {
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.Result r = TraceGenerator.generate(TraceSpec.of(3_000, 10_000), trace);

        var run = Metering.run(NO_EXPIRY, trace);

        assertThat(r.flows()).isEqualTo(3_000);
        assertThat(run.sink().flows).hasSize(3_000);
    }

    @Test
    void uniformPopularityAlsoCoversEveryFlow() throws IOException {
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(10_000, 1_000).withPopularity(Popularity.UNIFORM, 1.0), trace);

        var run = Metering.run(NO_EXPIRY, trace);

        assertThat(run.sink().flows).hasSize(1_000);
        long max = run.sink().flows.stream().mapToLong(CollectingSink.Flow::packets).max().orElseThrow();
        assertThat(max).isLessThan(40); // 10 on average; Zipf would give the top flow about 1,200
    }

    @Test
    void zipfTopFlowGetsItsShare() throws IOException {
        // 1,000 flows, s = 1: the top flow draws 1/H(1000) = 13.4% of the 99,000 packets drawn by popularity
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(100_000, 1_000), trace);

        var run = Metering.run(NO_EXPIRY, trace);

        double harmonic = 0;
        for (int r = 1; r <= 1_000; r++) {
            harmonic += 1.0 / r;
        }
        long top = run.sink().flows.stream().mapToLong(CollectingSink.Flow::packets).max().orElseThrow();
        assertThat((double) top).isCloseTo(1 + 99_000 / harmonic, within(400.0));
    }

    @Test
    void imixIsSevenFourOne() throws IOException {
        // no IPv6: its 64-byte frames would grow to 74 bytes for TCP
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(120_000, 1_000).withFrameSize(FrameSize.IMIX).withShares(0.8, 0, 0.5), trace);

        Map<Integer, Integer> sizes = frameSizes(trace);

        assertThat(sizes).containsOnlyKeys(64, 576, 1500);
        assertThat(sizes.get(64) / 120_000.0).isCloseTo(7 / 12.0, within(0.01));
        assertThat(sizes.get(576) / 120_000.0).isCloseTo(4 / 12.0, within(0.01));
        assertThat(sizes.get(1500) / 120_000.0).isCloseTo(1 / 12.0, within(0.005));
    }

    @Test
    void fixed64FramesAre64BytesUnlessTheirHeadersNeedMore() throws IOException {
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(20_000, 2_000).withShares(0.5, 0.5, 0.5), trace);

        // IPv4, and IPv6 + UDP: 64; IPv6 + UDP + VLAN: 66; IPv6 + TCP: 74, with a VLAN tag 78
        assertThat(frameSizes(trace)).containsOnlyKeys(64, 66, 74, 78);
    }

    @Test
    void timestampsSpanTheDurationEvenly() throws IOException {
        Instant start = Instant.parse("2024-06-01T12:00:00Z");
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(1_001, 10).withTime(start, Duration.ofSeconds(10)), trace);

        long first = Long.MIN_VALUE;
        long previous = Long.MIN_VALUE;
        long last = 0;
        try (PacketSource source = CaptureFiles.open(trace)) {
            FrameBatch batch = new FrameBatch();
            int n;
            while ((n = source.nextBatch(batch)) > 0) {
                for (int i = 0; i < n; i++) {
                    long ts = batch.timestampNanos(i);
                    if (first == Long.MIN_VALUE) {
                        first = ts;
                    } else {
                        assertThat(ts - previous).isEqualTo(10_000_000L); // 10 s over 1,000 steps
                    }
                    previous = ts;
                    last = ts;
                }
            }
        }
        long startNs = start.getEpochSecond() * 1_000_000_000L;
        assertThat(first).isEqualTo(startNs);
        assertThat(last).isEqualTo(startNs + 10_000_000_000L);
    }

    @Test
    void aliasTableDrawsTheZipfLaw() {
        TraceGenerator.AliasTable table = TraceGenerator.AliasTable.zipf(10, 1.2);
        double[] weight = new double[10];
        double sum = 0;
        for (int r = 0; r < 10; r++) {
            weight[r] = 1 / Math.pow(r + 1, 1.2);
            sum += weight[r];
        }
        int[] count = new int[10];
        SplittableRandom random = new SplittableRandom(42);
        int draws = 1_000_000;
        for (int i = 0; i < draws; i++) {
            count[table.sample(random.nextLong())]++;
        }
        for (int r = 0; r < 10; r++) {
            assertThat((double) count[r] / draws).as("rank %d", r + 1).isCloseTo(weight[r] / sum, within(0.003));
        }
    }

    @Test
    void clientAddressesAreDistinct() {
        boolean[] seen = new boolean[1 << 24];
        for (int i = 0; i < 1 << 24; i++) {
            int a = TraceGenerator.permute24(i, 0x5A5A5A);
            assertThat(seen[a]).isFalse();
            seen[a] = true;
        }
    }

    @Test
    void specRejectsNonsenseNamingTheValue() {
        assertThatThrownBy(() -> TraceSpec.of(0, 10)).hasMessageContaining("packets").hasMessageContaining(": 0");
        assertThatThrownBy(() -> TraceSpec.of(10, (1 << 24) + 1)).hasMessageContaining("flows");
        assertThatThrownBy(() -> TraceSpec.of(10, 10).withShares(1.5, 0, 0)).hasMessageContaining("tcp share").hasMessageContaining("1.5");
        assertThatThrownBy(() -> TraceSpec.of(10, 10).withPopularity(Popularity.ZIPF, 0)).hasMessageContaining("zipf exponent");
    }

    private static Map<Integer, Integer> frameSizes(Path trace) {
        Map<Integer, Integer> sizes = new TreeMap<>();
        try (PacketSource source = CaptureFiles.open(trace)) {
            FrameBatch batch = new FrameBatch();
            int n;
            while ((n = source.nextBatch(batch)) > 0) {
                for (int i = 0; i < n; i++) {
                    sizes.merge(batch.capturedLength(i), 1, Integer::sum);
                }
            }
        }
        return sizes;
    }
}
