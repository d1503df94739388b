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
 * The stage-cost bench on a small run, against a real broker and clickhouse-server: every record must go through
 * both stages (the command fails otherwise), and the figures it prints must parse and add up. Not a timed test.
 */
class StageCostBenchCommandIT {
    private static final Pattern ROW = Pattern.compile("^(.+?)\\s{2,}([\\d.]+)\\s+([\\d.]+)$", Pattern.MULTILINE);

    @Test
    void aSmallRunMeasuresBothStagesAndPrintsTheCeiling() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(new StageCostBenchCommand(out)).execute("--records", "30000", "--batch-rows", "10000");
        String text = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        assertThat(exit).isZero();
        assertThat(text).contains("kafka: 30,000 records produced and consumed");
        assertThat(text).contains("clickhouse: 30,000 rows inserted");
        double sum = 0;
        double total = -1;
        Matcher m = ROW.matcher(text);
        int stages = 0;
        while (m.find()) {
            double micros = Double.parseDouble(m.group(2));
            if (m.group(1).startsWith("sum")) {
                total = micros;
            } else {
                sum += micros;
                stages++;
            }
        }
        assertThat(stages).isEqualTo(4);
        assertThat(total).isPositive().isCloseTo(sum, org.assertj.core.data.Offset.offset(0.05));
        Matcher ceiling = Pattern.compile("Ceiling on this machine \\((\\d+) cores / ([\\d.]+) µs per record\\): ([\\d,]+) records/s")
                .matcher(text);
        assertThat(ceiling.find()).isTrue();
        long expected = Math.round(Integer.parseInt(ceiling.group(1)) * 1e6 / Double.parseDouble(ceiling.group(2)));
        assertThat(Long.parseLong(ceiling.group(3).replace(",", ""))).isCloseTo(expected, org.assertj.core.data.Offset.offset(expected / 100 + 1));
    }
}
