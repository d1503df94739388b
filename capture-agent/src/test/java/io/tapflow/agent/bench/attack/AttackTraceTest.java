package io.tapflow.agent.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.agent.decode.DecodedPacket;
import io.tapflow.agent.decode.PacketDecoder;
import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.PacketSource;
import io.tapflow.agent.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator over real background captures: deterministic, time-ordered, decodable, and its labels say the truth. */
class AttackTraceTest {
    static {
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @TempDir
    Path dir;

    private static AttackTrace.Spec spec(long seed) {
        List<AttackGroup> groups = List.of(
                new AttackGroup(AttackKind.SYN_FLOOD, 1000, 200, 3, "4x"),
                new AttackGroup(AttackKind.VERTICAL_SCAN, 1, 30, 2, "20x"),
                new AttackGroup(AttackKind.HORIZONTAL_SCAN, 2, 50, 2, "24x"),
                new AttackGroup(AttackKind.P2P_HOST, 0.5, 6, 2, "50x"),
                new AttackGroup(AttackKind.P2P_TCP_HOST, 1, 10, 2, "30x"),
                new AttackGroup(AttackKind.FAN_OUT, 5, 20, 2, "15x"));
        return new AttackTrace.Spec(groups, List.of(TestData.pcap("dns.pcap"), TestData.pcap("KakaoTalk_chat.pcap"),
                TestData.pcap("rdp.pcap")), Duration.ofSeconds(20), true, seed, AttackTrace.Spec.DEFAULT_START,
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOtherBytes() throws IOException {
        AttackTrace.Result a = AttackTrace.generate(spec(7), dir.resolve("a.pcap"), dir.resolve("a.jsonl"));
        AttackTrace.Result b = AttackTrace.generate(spec(7), dir.resolve("b.pcap"), dir.resolve("b.jsonl"));
        AttackTrace.Result c = AttackTrace.generate(spec(8), dir.resolve("c.pcap"), dir.resolve("c.jsonl"));
        assertThat(Files.readAllBytes(a.pcap())).isEqualTo(Files.readAllBytes(b.pcap()));
        assertThat(Files.readAllLines(a.labelsFile())).isEqualTo(Files.readAllLines(b.labelsFile()));
        assertThat(Files.readAllBytes(a.pcap())).isNotEqualTo(Files.readAllBytes(c.pcap()));
    }

    @Test
    void everyPacketIsWrittenInTimeOrderAndDecodesAndTheLabelsMatchTheAttacks() throws IOException {
        AttackTrace.Result r = AttackTrace.generate(spec(1), dir.resolve("t.pcap"), dir.resolve("t.jsonl"));

        assertThat(r.labels()).hasSize(17); // 13 instances; the 4 scans are labelled for port_scan and trw_scan
        assertThat(r.backgroundPackets()).isPositive();

        long frames = 0;
        long attackFrames = 0;
        long previous = Long.MIN_VALUE;
        Set<Long> attackSources = new HashSet<>();
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        FrameBatch batch = new FrameBatch();
        try (PacketSource s = CaptureFiles.open(r.pcap())) {
            for (int n = s.nextBatch(batch); n > 0; n = s.nextBatch(batch)) {
                for (int i = 0; i < n; i++) {
                    assertThat(batch.timestampNanos(i)).isGreaterThanOrEqualTo(previous);
                    previous = batch.timestampNanos(i);
                    frames++;
                    if (decoder.decode(batch.data(), batch.offset(i), batch.capturedLength(i), batch.linkType(i), p)
                            != PacketDecoder.OK) {
                        continue;
                    }
                    if (attackAddress(p.srcLo) || attackAddress(p.dstLo)) {
                        attackFrames++;
                    }
                    if (attackAddress(p.srcLo) && (p.srcLo & 0xFFFF_FFFFL) < 0xC612_0000L) {
                        attackSources.add(p.srcLo & 0xFFFF_FFFFL); // from 100.64.0.0/10, not a spoofed source
                    }
                }
            }
        }
        assertThat(frames).isEqualTo(r.attackPackets() + r.backgroundPackets());
        assertThat(attackFrames).isEqualTo(r.attackPackets()); // 3 floods x 200 x (SYN + SYN-ACK) alone are 1200
        // at least: floods, one SYN per scan probe, P2P 6 peers x (2 UDP + 2 x 8 TCP), TCP-only P2P 10 peers x 2 x 8,
        // fan-out 20 x 8, two instances each
        assertThat(attackFrames).isGreaterThanOrEqualTo(1200 + 2 * 30 + 2 * 50 + 2 * 6 * 18 + 2 * 10 * 16 + 2 * 20 * 8);
        for (Label l : r.labels()) {
            String addr = l.subject().contains(":") ? l.subject().substring(0, l.subject().indexOf(':')) : l.subject();
            if (!l.kind().equals("syn_flood")) {
                assertThat(attackSources).as(l.toString()).contains(parse(addr)); // the subject sends
            }
            assertThat(l.endMs()).isGreaterThanOrEqualTo(l.startMs());
        }
        assertThat(r.labels()).extracting(l -> l.detector() + " " + l.subject()).doesNotHaveDuplicates();
        assertThat(r.labels()).filteredOn(l -> l.kind().endsWith("_scan")).extracting(Label::detector)
                .containsOnly("port_scan", "trw_scan").hasSize(8);
        assertThat(Files.readAllLines(r.labelsFile())).hasSize(17).first().asString()
                .startsWith("{\"detector\":\"syn_flood\",\"subject\":\"100.64.0.1:80\",\"start_ms\":");
        // the vertical scan at 1 port/s: 30 ports from its start, so it lasts 29 s
        Label vertical = r.labels().stream().filter(l -> l.kind().equals("vertical_scan")).findFirst().orElseThrow();
        assertThat(vertical.endMs() - vertical.startMs()).isBetween(29_000L, 29_001L);
        assertThat(vertical.detector()).isEqualTo("port_scan");
    }

    /** 100.64.0.0/10 (attackers, victims, peers) or 198.18.0.0/15 (spoofed flood sources), IPv4-mapped. */
    private static boolean attackAddress(long lo) {
        long v4 = lo & 0xFFFF_FFFFL;
        return (lo >>> 32) == 0xFFFFL && ((v4 >>> 22) == (0x6440_0000L >>> 22) || (v4 >>> 17) == (0xC612_0000L >>> 17));
    }

    private static long parse(String a) {
        String[] o = a.split("\\.");
        return Long.parseLong(o[0]) << 24 | Long.parseLong(o[1]) << 16 | Long.parseLong(o[2]) << 8 | Long.parseLong(o[3]);
    }

    @Test
    void badGroupsAreRefusedWithTheValueNamed() {
        assertThatThrownBy(() -> new AttackGroup(AttackKind.SYN_FLOOD, 0, 10, 1, "x"))
                .hasMessageContaining("rate must be a positive number, got 0.0");
        assertThatThrownBy(() -> new AttackGroup(AttackKind.FAN_OUT, 1, 10, 0, "x"))
                .hasMessageContaining("instances must be 1-10000, got 0");
        List<AttackGroup> tooSlow = List.of(new AttackGroup(AttackKind.P2P_HOST, 0.000_01, 7, 1, "x")); // 600,000 s
        assertThatThrownBy(() -> new AttackTrace.Spec(tooSlow, List.of(), Duration.ofSeconds(60), true, 1,
                AttackTrace.Spec.DEFAULT_START, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("the trace would last PT166H40M, more than the 6 days");
    }
}
