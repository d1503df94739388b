package io.tapflow.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.agent.bench.TraceGenerator.TraceSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeterBenchmarkTest {
    static {
    }

    @TempDir
    Path dir;

    @Test
    void reportsRateFlowsAndTableMemory() throws IOException {
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(20_000, 1_000), trace);
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        MeterBenchmark.Result r = MeterBenchmark.run(trace, 0, 1, 3, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(r.packets()).isEqualTo(20_000);
        assertThat(r.flows()).isEqualTo(1_000);
        assertThat(r.flowCapacity()).isEqualTo(MeterBenchmark.DEFAULT_FLOW_CAPACITY);
        assertThat(r.bytesPerFlow()).isEqualTo(128.0); // 112 record + 8 index + 8 signature ids
        assertThat(r.bytesPerFlow()).isLessThanOrEqualTo(128.0);
        assertThat(r.runSeconds()).hasSize(3).allMatch(s -> s > 0);
        assertThat(r.bestMpps()).isGreaterThanOrEqualTo(r.medianMpps()).isPositive();
        assertThat(r.evicted()).isZero();
        String out = text.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("meter run 1 (warm-up)", "meter run 4:");
        assertThat(out.lines().reduce((a, b) -> b).orElseThrow())
                .matches("meter: \\d+\\.\\d\\d Mpps \\(median of 3, best \\d+\\.\\d\\d\\) 20000 packets, 1000 flows, "
                        + "flow table 128\\.0 bytes/flow.*");
    }

    @Test
    void givenCapacityIsRoundedUpToAPowerOfTwo() throws IOException {
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(5_000, 1_000), trace);

        MeterBenchmark.Result r = MeterBenchmark.run(trace, 1_000, 0, 1, null);

        assertThat(r.flowCapacity()).isEqualTo(1_024);
        assertThat(r.flows()).isEqualTo(1_000);
        assertThat(r.evicted()).isZero();
    }

    @Test
    void saysWhenTheTableIsTooSmall() throws IOException {
        Path trace = dir.resolve("t.pcap");
        TraceGenerator.generate(TraceSpec.of(5_000, 1_000), trace);

        MeterBenchmark.Result r = MeterBenchmark.run(trace, 256, 0, 1, null);

        assertThat(r.evicted()).isPositive();
        assertThat(r.summary()).contains("capacity 256", "flows evicted");
    }

    @Test
    void capacityFor() {
        assertThat(MeterBenchmark.capacityFor(1)).isEqualTo(1);
        assertThat(MeterBenchmark.capacityFor(1_024)).isEqualTo(1_024);
        assertThat(MeterBenchmark.capacityFor(1_025)).isEqualTo(2_048);
        assertThat(MeterBenchmark.capacityFor(1_000_000)).isEqualTo(1 << 20);
        assertThatThrownBy(() -> MeterBenchmark.capacityFor(0)).hasMessageContaining(": 0");
    }

    @Test
    void rejectsAMissingTraceAndNoRuns() {
        assertThatThrownBy(() -> MeterBenchmark.run(dir.resolve("nope.pcap"), 0, 1, 3, null)).hasMessageContaining("nope.pcap");
        assertThatThrownBy(() -> MeterBenchmark.run(dir, 0, 1, 0, null)).hasMessageContaining("measured runs");
    }
}
