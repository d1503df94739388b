package io.tapflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The README's main command, on three real captures: everything published must be read back. */
class DemoCommandIT {
    @TempDir
    Path captures;

    @Test
    void demoPublishesAndReadsBackEveryRecord() throws IOException {
        for (String name : new String[] {"dns.pcap", "vxlan.pcap", "teams.pcap"}) {
            Files.copy(TestData.pcap(name), captures.resolve(name));
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new DemoCommand()).execute("--captures", captures.toString());
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertThat(exit).isZero();
        assertThat(out).contains("OK: everything the agents published was read back.");
        assertThat(out).containsPattern("teams\\s+1,540\\s+83\\s"); // frames read, flow records published
        assertThat(out).contains("0 undecodable");
    }
}
