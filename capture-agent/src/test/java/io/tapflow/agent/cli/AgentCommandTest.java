package io.tapflow.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new CommandLine(new AgentCommand(new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
    }

    @Test
    void truncatedCaptureExportsTheFlowsReadSoFarAndExitsOne() throws IOException {
        byte[] whole = Files.readAllBytes(TestData.pcap("teams.pcap"));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, 30_000));
        Path out = dir.resolve("flows.jsonl");
        int exit = run("--read", cut.toString(), "--output", "jsonl", "--jsonl-file", out.toString());
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(1);
        assertThat(text).contains("81 frames").contains("6 records exported")
                .contains("1 capture file(s) could not be read to the end");
        List<String> flows = Files.readAllLines(out);
        assertThat(flows).hasSize(6).allMatch(l -> l.contains("\"end_reason\":\"END_OF_INPUT\"") || l.contains("\"end_reason\":\"TCP_"));
    }

    @Test
    void badConfigurationExitsTwoNamingTheValue() {
        assertThat(run("--read", TestData.pcap("dns.pcap").toString(), "--idle-timeout", "soon")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("flow.idle-timeout").contains("soon");
    }

    @Test
    void missingFileIsReportedAndExitsOne() {
        assertThat(run("--read", dir.resolve("nope.pcap").toString(), "--output", "none")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("0 frames");
    }

    @Test
    void jsonLinesMatchTheMeteredFlows() throws IOException {
        Path out = dir.resolve("dns.jsonl");
        assertThat(run("--read", TestData.pcap("dns.pcap").toString(), "--output", "jsonl", "--jsonl-file", out.toString())).isZero();
        List<String> lines = Files.readAllLines(out);
        // 2 flows; one of them has packets 40 s apart, so the 30 s idle timeout ends it and a second record follows
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("\"end_reason\":\"IDLE_TIMEOUT\"");
        assertThat(lines.get(0)).startsWith("{\"agent_id\":").contains("\"proto\":\"UDP\"").contains("\"src_port\":")
                .contains("\"packets\":").contains("\"bytes\":").contains("\"first_ms\":").contains("\"end_reason\":");
    }
}
