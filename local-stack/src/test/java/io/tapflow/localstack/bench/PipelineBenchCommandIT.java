package io.tapflow.localstack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The pipeline bench end to end on a small run: every record must be counted once in flows FINAL, and every figure
 * the command prints must parse. Not a timed test: the figures depend on the machine.
 */
class PipelineBenchCommandIT {
    private static final int N = 20_000;

    @Test
    void aSmallRunCountsEveryRecordOnceAndPrintsParsableFigures() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(new PipelineBenchCommand(out)).execute("--records", String.valueOf(N),
                "--rate", "10000", "--links", "3", "--timeout", "180");
        String text = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        assertThat(exit).isZero();
        assertThat(text).contains("OK: every record arrived exactly once.");
        assertThat(text).containsPattern("Rows in flows FINAL: 20,000 of 20,000 produced");
        assertThat(text).containsPattern("Machine: \\d+ cores");
        for (String stage : new String[] {"produce \\(acked by Kafka\\)", "Kafka -> ClickHouse \\(last poll with no row to all rows visible in flows\\)",
            "end to end \\(first produced -> all in flows\\)"}) {
            Matcher m = Pattern.compile(stage + "\\s+([\\d,]+)\\s+([\\d.]+)\\s+([\\d,]+)").matcher(text);
            assertThat(m.find()).as(stage).isTrue();
            assertThat(number(m.group(1))).as(stage + " records").isEqualTo(N);
            assertThat(Double.parseDouble(m.group(2))).as(stage + " seconds").isPositive();
            assertThat(number(m.group(3))).as(stage + " records/s").isPositive();
        }
        Matcher latency = Pattern.compile(", ([\\d,]+) rows\\): p50 ([\\d,]+) ms, p99 ([\\d,]+) ms, max ([\\d,]+) ms")
                .matcher(text);
        assertThat(latency.find()).isTrue();
        assertThat(number(latency.group(1))).as("rows with a latency").isEqualTo(N);
        Matcher cpu = Pattern.compile("([\\d.]+) µs in this JVM .* \\+ ([\\d.]+) µs in clickhouse-server = ([\\d.]+) µs")
                .matcher(text);
        assertThat(cpu.find()).as("CPU per record line").isTrue();
        assertThat(Double.parseDouble(cpu.group(1))).as("JVM µs/record").isPositive();
        assertThat(Double.parseDouble(cpu.group(2))).as("clickhouse-server µs/record").isPositive();
        assertThat(Double.parseDouble(cpu.group(3))).isCloseTo(Double.parseDouble(cpu.group(1)) + Double.parseDouble(cpu.group(2)),
                org.assertj.core.data.Offset.offset(0.11));
        long p50 = number(latency.group(2));
        long p99 = number(latency.group(3));
        long max = number(latency.group(4));
        assertThat(p50).isLessThanOrEqualTo(p99);
        assertThat(p99).isLessThanOrEqualTo(max);
    }

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }
}
