package io.tapflow.localstack.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tapflow detect} over every capture of testdata/pcap plus the SYN-flood capture, without payload sampling:
 * the port scan, the flood, the BitTorrent and Gnutella peers (P2P) and the fan-outs (Gnutella's host, the scanner)
 * are found with the right subjects, and no other capture raises anything. Every alert of the run is printed, so
 * false positives show.
 */
class DetectCommandIT {
    private static final Pattern FIELD = Pattern.compile("\"(detector|state|link_id|subject)\":\"([^\"]*)\"");

    record Run(int exit, String out, String err) {
    }

    @Test
    void theScanTheFloodTheP2pPeersAndTheFanOutsAreFoundAndNoOtherCaptureRaisesAnAlert() throws IOException {
        List<String> args = new ArrayList<>(List.of("--payload-samples", "0", "--output", "jsonl", "--read"));
        try (Stream<Path> files = Files.list(TestData.pcap("synscan.pcap").getParent())) {
            files.map(Path::toString).sorted().forEach(args::add);
        }
        args.add(TestData.extra("suricata-verify_syn-flood.pcap").toString());

        Run run = run(args.toArray(String[]::new));

        System.out.println("Every alert over testdata/pcap/* and suricata-verify_syn-flood.pcap:");
        System.out.print(run.out());
        System.out.println(run.err());
        assertThat(run.exit()).as(run.err()).isZero();
        List<String> alerts = run.out().lines().toList();
        List<String> summaries = alerts.stream().map(DetectCommandIT::summary).toList();
        assertThat(summaries).containsExactlyInAnyOrder(
                "port_scan OPEN synscan 172.16.0.8", "port_scan CLOSED synscan 172.16.0.8",
                "syn_flood OPEN suricata-verify_syn-flood 198.51.100.5:443",
                "syn_flood CLOSED suricata-verify_syn-flood 198.51.100.5:443",
                // P2P with payload sampling off: the BitTorrent client (15 peers on 15 ports) and the Gnutella
                // servent; edonkey.pcap (2 flows with one peer) gives too little behaviour to judge.
                "p2p OPEN bittorrent 192.168.1.3", "p2p CLOSED bittorrent 192.168.1.3",
                "p2p OPEN gnutella 10.0.2.15", "p2p CLOSED gnutella 10.0.2.15",
                // Fan-out: the Gnutella servent (about 520 peers) and the scanner (1994 connections): both are.
                "fan_out OPEN gnutella 10.0.2.15", "fan_out CLOSED gnutella 10.0.2.15",
                "fan_out OPEN synscan 172.16.0.8", "fan_out CLOSED synscan 172.16.0.8");
        assertThat(alerts).filteredOn(a -> a.contains("\"detector\":\"p2p\"") && a.contains("\"state\":\"CLOSED\""))
                .map(DetectCommandIT::kind)
                .containsExactlyInAnyOrder("peer_ports", "peer_ports+tcp_udp");
        assertThat(alerts).filteredOn(a -> a.contains("\"detector\":\"fan_out\"") && a.contains("\"state\":\"CLOSED\""))
                .map(DetectCommandIT::kind)
                .containsExactlyInAnyOrder("peers+connections", "connections");
        assertThat(run.err()).contains("detect: 45 capture(s)").contains("12 alert(s) (6 opened, 6 closed episodes)");
    }

    @Test
    void benignCapturesAloneGiveNoAlerts() {
        Run run = run("--read", TestData.pcap("teams.pcap").toString(), TestData.pcap("whatsapp_login_call.pcap").toString(),
                TestData.pcap("1kxun.pcap").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("3 capture(s)").contains("0 alert(s)");
    }

    @Test
    void generatedDnsTrafficRaisesTheTunnelTheNxdomainBotAndTheQueryFloodButNotTheWorkstation(@TempDir Path dir)
            throws IOException {
        Path capture = DnsTrafficCapture.write(dir.resolve("dns-lab.pcap"));

        Run run = run("--output", "jsonl", "--read", capture.toString()); // payload sampling on: the default

        System.out.print(run.out());
        assertThat(run.exit()).as(run.err()).isZero();
        List<String> alerts = run.out().lines().toList();
        assertThat(alerts).map(DetectCommandIT::summary).containsExactlyInAnyOrder(
                "dns_anomaly OPEN dns-lab " + DnsTrafficCapture.TUNNEL, "dns_anomaly CLOSED dns-lab " + DnsTrafficCapture.TUNNEL,
                "dns_anomaly OPEN dns-lab " + DnsTrafficCapture.DGA, "dns_anomaly CLOSED dns-lab " + DnsTrafficCapture.DGA,
                "dns_anomaly OPEN dns-lab " + DnsTrafficCapture.FLOOD, "dns_anomaly CLOSED dns-lab " + DnsTrafficCapture.FLOOD);
        String tunnel = closed(alerts, DnsTrafficCapture.TUNNEL);
        assertThat(kind(tunnel)).isEqualTo("tunnel");
        assertThat(tunnel).contains("\"dns_domain\":\"tunnel-lab.net\"")
                .containsPattern("\"dns_distinct_names\":(3[7-9]|4[0-3]),") // past 32 names a HyperLogLog's estimate, ±6.5%
                .contains("\"attempts\":" + DnsTrafficCapture.TUNNEL_QUERIES)
                .contains("\"sample_peers\":[\"" + DnsTrafficCapture.RESOLVER + "\"]")
                .containsPattern("\"sample_names\":\\[(\"[a-z2-7]{24}\\.[a-z2-7]{24}\\.t\\.tunnel-lab\\.net\",?){8}]");
        String bot = closed(alerts, DnsTrafficCapture.DGA);
        assertThat(kind(bot)).isEqualTo("nxdomain");
        assertThat(bot).contains("\"dns_responses\":" + DnsTrafficCapture.DGA_QUERIES)
                .contains("\"dns_nxdomain\":" + DnsTrafficCapture.DGA_QUERIES * 9 / 10)
                .containsPattern("\"sample_names\":\\[(\"[a-z]{12}\\.com\",?){8}]");
        String flood = closed(alerts, DnsTrafficCapture.FLOOD);
        assertThat(kind(flood)).isEqualTo("query_rate");
        assertThat(flood).contains("\"attempts\":" + DnsTrafficCapture.FLOOD_QUERIES);
    }

    @Test
    void withoutPayloadOnlyTheQueryRateIsJudged(@TempDir Path dir) throws IOException {
        Path capture = DnsTrafficCapture.write(dir.resolve("dns-lab.pcap"));

        Run run = run("--payload-samples", "0", "--read", capture.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines().map(DetectCommandIT::summary)).containsExactlyInAnyOrder(
                "dns_anomaly OPEN dns-lab " + DnsTrafficCapture.FLOOD, "dns_anomaly CLOSED dns-lab " + DnsTrafficCapture.FLOOD);
        assertThat(run.out()).contains("\"dns_responses\":0").doesNotContain("tunnel-lab");
    }

    @Test
    void noBundledCaptureRaisesADnsAnomalyWithPayloadSamplingOn() throws IOException {
        List<String> args = new ArrayList<>(List.of("--output", "jsonl", "--read"));
        for (String dir : List.of("pcap", "pcap-extra")) {
            try (Stream<Path> files = Files.list(TestData.root().resolve(dir))) {
                files.map(Path::toString).sorted().forEach(args::add);
            }
        }

        Run run = run(args.toArray(String[]::new));

        System.out.println(run.err());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("detect: 49 capture(s)");
        assertThat(run.out().lines().filter(a -> a.contains("\"detector\":\"dns_anomaly\""))).isEmpty();
        assertThat(run.out()).as("the flow detectors still find the scan").contains("\"subject\":\"172.16.0.8\"");
    }

    private static String closed(List<String> alerts, String subject) {
        return alerts.stream().filter(a -> a.contains("\"state\":\"CLOSED\"") && a.contains("\"subject\":\"" + subject + "\""))
                .findFirst().orElseThrow();
    }

    @Test
    void missingCorruptAndBadOptionsAreClearErrors(@TempDir Path dir) throws IOException {
        Run missing = run("--read", dir.resolve("nope.pcap").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("detect: cannot read " + dir.resolve("nope.pcap") + ": no such file");

        Path garbage = Files.writeString(dir.resolve("garbage.pcap"), "not a capture at all");
        Run corrupt = run("--read", garbage.toString(), TestData.pcap("synscan.pcap").toString());
        assertThat(corrupt.exit()).isEqualTo(1);
        assertThat(corrupt.err()).contains("garbage.pcap: not a pcap or pcapng file").contains("1 corrupt capture(s)");
        assertThat(corrupt.out()).as("the good capture is still read").contains("\"subject\":\"172.16.0.8\"");

        Run badOutput = run("--output", "xml", "--read", TestData.pcap("synscan.pcap").toString());
        assertThat(badOutput.exit()).isEqualTo(2);
        assertThat(badOutput.err()).contains("--output must be jsonl or none, got xml");
    }

    private static final Pattern KIND = Pattern.compile("\"kind\":\"([^\"]*)\"");

    private static String kind(String json) {
        Matcher m = KIND.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String summary(String json) {
        Matcher m = FIELD.matcher(json);
        String detector = null;
        String state = null;
        String link = null;
        String subject = null;
        while (m.find()) {
            switch (m.group(1)) {
                case "detector" -> detector = m.group(2);
                case "state" -> state = m.group(2);
                case "link_id" -> link = m.group(2);
                default -> subject = m.group(2);
            }
        }
        return detector + " " + state + " " + link + " " + subject;
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DetectCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
