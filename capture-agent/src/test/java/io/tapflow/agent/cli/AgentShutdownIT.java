package io.tapflow.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops an agent mid-capture: every open flow is flushed (end_reason SHUTDOWN) and a summary is printed. */
class AgentShutdownIT {
    @TempDir
    Path dir;

    @Test
    void sigtermFlushesEveryOpenFlow() throws Exception {
        Path jsonl = dir.resolve("flows.jsonl");
        Path stderr = dir.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Real-time replay of a capture that lasts minutes, so the agent is mid-capture when the signal comes.
        Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TapFlowCli.class.getName(),
                "agent", "--read", TestData.pcap("1kxun.pcap").toString(), "--replay-speed", "1", "--output", "jsonl",
                "--jsonl-file", jsonl.toString())
                .redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(stderr).contains("reading 1 file") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(3_000);
            agent.destroy(); // SIGTERM
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("agent exits after SIGTERM").isTrue();
        } finally {
            agent.destroyForcibly();
        }
        List<String> flows = Files.readAllLines(jsonl);
        String err = Files.readString(stderr);
        assertThat(flows).isNotEmpty();
        assertThat(flows).anyMatch(l -> l.contains("\"end_reason\":\"SHUTDOWN\""));
        assertThat(err).contains("records exported");
        long exported = Long.parseLong(err.replaceAll("(?s).*?(\\d+) records exported.*", "$1"));
        assertThat(flows).hasSize((int) exported);
    }
}
