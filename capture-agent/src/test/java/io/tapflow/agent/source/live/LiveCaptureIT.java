package io.tapflow.agent.source.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapflow.agent.bench.FrameSender;
import io.tapflow.agent.bench.VethLink;
import io.tapflow.agent.cli.TapFlowCli;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.testing.CollectingSink;
import io.tapflow.agent.testing.Metering;
import io.tapflow.agent.testing.TestData;
import io.tapflow.agent.testing.VethPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live capture end to end: real captures are replayed byte for byte into one end of a veth pair by {@link FrameSender};
 * the agent ({@code tapflow agent --interface}, a child JVM in the other end's network namespace) captures them until
 * SIGTERM, and its flows must equal the flows of reading the same files: same 5-tuple, VLAN, packets and bytes (times
 * differ: live flows carry the kernel's receive times). Timeouts are set far beyond the captures' spans, in both
 * runs, so no flow is split by time; every flow ends at the flush on SIGTERM.
 */
class LiveCaptureIT {
    /** Whole Ethernet frames, no IPv4 fragments (fanout reassembles them), with VLAN, MPLS and tunnels among them. */
    private static final List<Path> CAPTURES = List.of(TestData.pcap("dns.pcap"), TestData.pcap("teams.pcap"),
            TestData.pcap("vxlan.pcap"), TestData.pcap("6in4tunnel.pcap"), TestData.extra("zeek_mixed-vlan-mpls.pcap"));
    private static final String NO_TIMEOUTS = """
            flow:
              idle-timeout: 1000000s
              active-timeout: 1000000s
              flush-interval: 10s
              tcp-close-grace: 1000000s
            sampling:
              packets-per-direction: 0
            """;
    private static final Pattern FRAMES = Pattern.compile("(\\d+) frames, (\\d+) bytes");

    @TempDir
    Path dir;

    @Test
    void afPacketOneThreadSeesTheFlowsOfTheFiles() throws Exception {
        assertLiveEqualsFiles("afpacket", 1, "");
    }

    /**
     * The kernel's fanout hash is symmetric over the outer headers, so every flow stays on one thread, except in
     * tunnels whose outer headers differ by direction: VXLAN picks its outer UDP source port per direction, so each
     * direction of a VXLAN flow may land on a different thread and be metered as two one-way flows. Those must add up
     * to the file's flow; every other flow must be equal as it is.
     */
    @Test
    void afPacketTwoThreadsSeeTheFlowsOfTheFiles() throws Exception {
        List<Flow> live = capture("afpacket", 2, "", CAPTURES);
        List<Flow> files = expected(CAPTURES);
        assertThat(lines(live.stream().filter(f -> !f.tunnel().equals("VXLAN")).toList()))
                .containsExactlyInAnyOrderElementsOf(lines(files.stream().filter(f -> !f.tunnel().equals("VXLAN")).toList()));
        assertThat(totalsByConnection(live)).isEqualTo(totalsByConnection(files));
    }

    @Test
    void pcapSourceSeesTheFlowsOfTheFiles() throws Exception {
        assertLiveEqualsFiles("pcap", 1, "");
    }

    /**
     * "udp" keeps UDP and what UDP tunnels (VXLAN) carry, whole flows; nothing else. (The kernel filters frames without
     * their outer VLAN tag: single-tagged UDP passes, QinQ- or MPLS-labelled UDP does not.)
     */
    @Test
    void aFilterKeepsOnlyWhatItSelects() throws Exception {
        List<Flow> live = capture("afpacket", 1, "udp", CAPTURES);
        assertThat(live).allMatch(f -> f.proto().equals("UDP") || f.tunnel().equals("VXLAN"));
        assertThat(lines(live)).isSubsetOf(lines(expected(CAPTURES)));
        List<Path> plain = List.of(TestData.pcap("teams.pcap")); // no VLAN, MPLS or tunnels
        assertThat(lines(live)).containsAll(lines(expected(plain).stream().filter(f -> f.proto().equals("UDP")).toList()));
    }

    /** A flow as both runs report it; times left out (live flows carry receive times). */
    record Flow(String proto, String src, int sport, String dst, int dport, int vlan, String tunnel, long packets, long bytes) {
        String line() {
            return proto + " " + src + ":" + sport + " > " + dst + ":" + dport + " vlan=" + vlan + " tunnel=" + tunnel
                    + " packets=" + packets + " bytes=" + bytes;
        }

        /** The connection whichever side was seen first. */
        String connection() {
            String a = src + ":" + sport;
            String b = dst + ":" + dport;
            return proto + " " + (a.compareTo(b) < 0 ? a + " " + b : b + " " + a) + " vlan=" + vlan + " tunnel=" + tunnel;
        }
    }

    private static List<String> lines(List<Flow> flows) {
        return flows.stream().map(Flow::line).toList();
    }

    private static java.util.Map<String, String> totalsByConnection(List<Flow> flows) {
        java.util.Map<String, long[]> sums = new java.util.TreeMap<>();
        for (Flow f : flows) {
            long[] s = sums.computeIfAbsent(f.connection(), k -> new long[2]);
            s[0] += f.packets();
            s[1] += f.bytes();
        }
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        sums.forEach((k, v) -> out.put(k, "packets=" + v[0] + " bytes=" + v[1]));
        return out;
    }

    private void assertLiveEqualsFiles(String source, int threads, String filter) throws Exception {
        List<String> live = lines(capture(source, threads, filter, CAPTURES));
        assertThat(live).as("flows of the live %s agent with %d thread(s)", source, threads)
                .containsExactlyInAnyOrderElementsOf(lines(expected(CAPTURES)));
    }

    /** The flows of reading the files, with the agent's settings (no time-outs). */
    private static List<Flow> expected(List<Path> files) {
        MeterSettings s = MeterSettings.defaults();
        long forever = TimeUnit.SECONDS.toNanos(1_000_000);
        MeterSettings settings = new MeterSettings(s.flowCapacity(), forever, forever, s.flushIntervalNs(), forever, 0, 0,
                s.fragmentEntries());
        List<Flow> flows = new ArrayList<>();
        for (CollectingSink.Flow f : Metering.run(settings, files.toArray(Path[]::new)).sink().flows) {
            flows.add(new Flow(f.proto(), f.srcIp(), f.srcPort(), f.dstIp(), f.dstPort(), f.vlan(),
                    io.tapflow.schema.TunnelType.values()[f.tunnel()].name(), f.packets(), f.bytes()));
        }
        return flows;
    }

    /** Runs a live agent on the capture end, replays the files into the sending end, stops the agent with SIGTERM. */
    private List<Flow> capture(String source, int threads, String filter, List<Path> files) throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), NO_TIMEOUTS);
        Path jsonl = dir.resolve("flows.jsonl");
        Path stderr = dir.resolve("stderr.txt");
        try (VethLink veth = VethPair.create()) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), TapFlowCli.class.getName(),
                    "agent", "--config", config.toString(), "--interface", veth.capture, "--source", source,
                    "--threads", Integer.toString(threads), "--ring-mb", "4", "--output", "jsonl", "--jsonl-file", jsonl.toString()));
            if (!filter.isEmpty()) {
                command.addAll(List.of("--filter", filter));
            }
            Process agent = new ProcessBuilder(veth.inCaptureNamespace(command)).redirectError(stderr.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long sentFrames = 0;
            long sentBytes = 0;
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(stderr).contains("capturing on") && agent.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(Files.readString(stderr)).as("agent started").contains("capturing on");
                try (FrameSender sender = new FrameSender(veth.sender, VethLink.MAX_FRAME)) {
                    for (Path file : files) {
                        FrameSender.Sent sent = sender.sendCapture(file);
                        assertThat(sent.skipped()).as("frames of %s that could not be sent as they are", file).isZero();
                        sentFrames += sent.frames();
                        sentBytes += sent.bytes();
                    }
                }
                Thread.sleep(500); // the ring hands over a partly filled block after 10 ms; leave the agent time to meter it
                agent.destroy(); // SIGTERM: flush every flow of every capture thread
                assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("agent exits after SIGTERM").isTrue();
            } finally {
                agent.destroyForcibly();
            }
            String err = Files.readString(stderr);
            // 143 = 128 + SIGTERM: the JVM reports the signal after the shutdown hook has flushed everything
            assertThat(agent.exitValue()).as("exit status; stderr:%n%s", err).isIn(0, 143);
            Matcher m = FRAMES.matcher(err);
            assertThat(m.find()).as("summary in stderr:%n%s", err).isTrue();
            if (filter.isEmpty()) {
                assertThat(Long.parseLong(m.group(1))).as("frames captured; stderr:%n%s", err).isEqualTo(sentFrames);
                assertThat(Long.parseLong(m.group(2))).as("bytes captured").isEqualTo(sentBytes);
            }
            assertThat(err).contains("0 frames dropped by the kernel ring");
        }
        List<Flow> flows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String l : Files.readAllLines(jsonl)) {
            JsonNode n = json.readTree(l);
            assertThat(n.get("link_id").asText()).startsWith("tfc");
            assertThat(n.get("end_reason").asText()).isEqualTo("SHUTDOWN");
            flows.add(new Flow(n.get("proto").asText(), n.get("src_ip").asText(), n.get("src_port").asInt(), n.get("dst_ip").asText(),
                    n.get("dst_port").asInt(), n.get("vlan_id").asInt(), n.get("tunnel").asText(), n.get("packets").asLong(),
                    n.get("bytes").asLong()));
        }
        return flows;
    }
}
