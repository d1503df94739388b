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

/**
 * The README's main command, on four real captures: every stage must agree and the tables must come out, the port
 * scan in synscan.pcap among the alerts.
 */
class DemoCommandIT {
    @TempDir
    Path captures;

    @Test
    void demoRunsThePipelineAndPrintsTablesFromClickHouse() throws IOException {
        for (String name : new String[] {"dns.pcap", "vxlan.pcap", "teams.pcap", "synscan.pcap"}) {
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
        assertThat(out).contains("OK: every flow the agents exported is in ClickHouse once");
        assertThat(out).contains("Traffic per link (links_1h), top 10 of 4 by bytes");
        assertThat(out).containsPattern("\nteams\\s+83\\s"); // the teams capture's 83 flows, from links_1h
        assertThat(out).contains("Top talkers over all links").contains("Top protocols and service ports");
        assertThat(out).contains("Top applications (flows_1h");
        assertThat(out).containsPattern("\\nTeams\\s+\\d+\\s").doesNotContain("(no DPI)"); // teams.pcap, classified
        // synscan's scanner: a port scan, a fan-out and a TRW scan too (README, "Behavioural detection")
        assertThat(out).contains("Alerts (alerts: port scans, SYN floods, P2P hosts, fan-out, TRW scans), 3 episode(s)")
                .containsPattern("\\nport_scan\\s+synscan\\s+172\\.16\\.0\\.8\\s+vertical\\s+CLOSED\\s+1,?994\\s")
                .containsPattern("\\nfan_out\\s+synscan\\s+172\\.16\\.0\\.8\\s+connections\\s+CLOSED\\s+1,?994\\s")
                .containsPattern("\\ntrw_scan\\s+synscan\\s+172\\.16\\.0\\.8\\s+trw\\s+CLOSED\\s+1,?000\\s");
        assertThat(out).containsPattern("Kafka: flows.v1\\s+\\S+\\s+0 dead letters");
    }
}
