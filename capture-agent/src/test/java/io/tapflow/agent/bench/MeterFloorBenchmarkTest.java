package io.tapflow.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.agent.bench.TraceGenerator.TraceSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeterFloorBenchmarkTest {
    @TempDir
    Path dir;

    /** The floors are only a fair yardstick if they meter the same flows as the meter: every frame, every flow. */
    @Test
    void bothFloorsAccountEveryFrameToTheMetersFlows() throws IOException {
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(30_000, 2_000), trace); // 10 % IPv6, 10 % VLAN, TCP and UDP
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        MeterFloorBenchmark.Result r = MeterFloorBenchmark.run(trace, 4096, 1, 2, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(r.meter().flows()).isEqualTo(2_000);
        assertThat(r.meter().frames()).isEqualTo(30_000);
        assertThat(r.javaFloor().frames()).isEqualTo(30_000);
        assertThat(r.javaFloor().accounted()).isEqualTo(30_000);
        assertThat(r.javaFloor().skipped()).isZero();
        assertThat(r.javaFloor().flows()).isEqualTo(r.meter().flows());
        assertThat(r.javaFloor().runs()).isEqualTo(2);
        assertThat(r.javaFloor().bestMpps()).isGreaterThanOrEqualTo(r.javaFloor().medianMpps()).isPositive();
        // .ci/run installs gcc; a machine without a C compiler says so instead of a figure
        String out = text.toString(StandardCharsets.UTF_8);
        if (r.cFloor().isPresent()) {
            MeterFloorBenchmark.Figures c = r.cFloor().get();
            assertThat(c.frames()).isEqualTo(30_000);
            assertThat(c.accounted()).isEqualTo(30_000);
            assertThat(c.skipped()).isZero();
            assertThat(c.flows()).isEqualTo(r.meter().flows());
            assertThat(out).contains("floor-c run 2:", "Java floor at");
        } else {
            assertThat(out).contains("floor-c: not measured: no C compiler");
        }
        assertThat(out).contains("floor-java run 1 (warm-up)", "floor-java run 3:", "meter at");
    }

    @Test
    void framesTheFloorCannotParseAreSkippedAndCounted() throws IOException {
        Path trace = dir.resolve("arp.pcap");
        // one ARP frame: Ethernet, type 0x0806
        byte[] frame = new byte[42];
        frame[12] = 0x08;
        frame[13] = 0x06;
        Files.write(trace, pcap(frame));

        MeterFloor.Run r = new MeterFloor(16).run(trace);

        assertThat(r.frames()).isEqualTo(1);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.flows()).isZero();
    }

    @Test
    void refusesWhatIsNotALittleEndianEthernetPcap() throws IOException {
        Path notPcap = Files.writeString(dir.resolve("x.pcap"), "this is not a capture at all, not at all");
        assertThatThrownBy(() -> new MeterFloor(16).run(notPcap)).hasMessageContaining("not a little-endian Ethernet pcap");
        assertThatThrownBy(() -> new MeterFloor(12)).hasMessageContaining("power of two");
    }

    private static byte[] pcap(byte[] frame) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + 16 + frame.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt(1).putInt(0).putInt(frame.length).putInt(frame.length).put(frame);
        return b.array();
    }
}
