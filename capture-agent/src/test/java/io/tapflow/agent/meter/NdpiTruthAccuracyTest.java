package io.tapflow.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.CollectingSink;
import io.tapflow.agent.testing.Metering;
import io.tapflow.agent.testing.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Flow accuracy against real traffic: every capture of testdata/pcap through the meter, compared with nDPI's flows
 * (testdata/ndpi-truth.csv) on 5-tuple, packets and bytes, the way testdata/tools/compare_truth.py scores it
 * (records of one 5-tuple summed). Prints the misses by cause and capture.
 */
class NdpiTruthAccuracyTest {
    private static final double REQUIRED_EXACT = 0.99;

    record Truth(String pcap, String proto, String ipA, int portA, String ipB, int portB, long packets, long bytes) {
    }

    @Test
    void flowsMatchNdpiOnFiveTuplePacketsAndBytes() throws IOException {
        Map<String, List<Truth>> truth = loadTruth(TestData.root().resolve("ndpi-truth.csv"));
        int total = 0;
        int exact = 0;
        Map<String, Integer> causes = new TreeMap<>();
        Map<String, Integer> missesByCapture = new TreeMap<>();
        for (var entry : truth.entrySet()) {
            var run = Metering.run(MeterSettings.defaults(), TestData.pcap(entry.getKey()));
            Map<String, long[]> byKey = new HashMap<>(); // packets, bytes, fragments
            for (CollectingSink.Flow f : run.sink().flows) {
                long[] sum = byKey.computeIfAbsent(key(f.proto(), f.srcIp(), f.srcPort(), f.dstIp(), f.dstPort()), k -> new long[3]);
                sum[0] += f.packets();
                sum[1] += f.bytes();
                sum[2] += f.fragments();
            }
            Map<String, Integer> truthRowsPerKey = new HashMap<>();
            for (Truth t : entry.getValue()) {
                truthRowsPerKey.merge(key(t.proto(), t.ipA(), t.portA(), t.ipB(), t.portB()), 1, Integer::sum);
            }
            for (Truth t : entry.getValue()) {
                total++;
                String k = key(t.proto(), t.ipA(), t.portA(), t.ipB(), t.portB());
                long[] got = byKey.get(k);
                String cause;
                if (got == null) {
                    cause = "flow missing";
                } else if (got[0] == t.packets() && got[1] == t.bytes()) {
                    exact++;
                    continue;
                } else if (truthRowsPerKey.get(k) > 1) {
                    cause = "nDPI splits this 5-tuple into " + truthRowsPerKey.get(k) + " rows (scored against our sum)";
                } else if (got[2] > 0 && got[0] > t.packets()) {
                    cause = "later IP fragments counted in the flow (nDPI drops non-first fragments)";
                } else if (got[0] == t.packets()) {
                    cause = "bytes differ";
                } else {
                    cause = "packets differ";
                }
                causes.merge(cause, 1, Integer::sum);
                missesByCapture.merge(t.pcap() + ": " + cause, 1, Integer::sum);
                System.out.printf("MISS %s %s %s:%d <-> %s:%d truth %d pkts %d bytes, got %s%n", t.pcap(), t.proto(), t.ipA(), t.portA(),
                        t.ipB(), t.portB(), t.packets(), t.bytes(), got == null ? "nothing" : got[0] + " pkts " + got[1] + " bytes");
            }
        }
        double rate = (double) exact / total;
        System.out.printf("flows matched exactly: %d/%d = %.2f%%%nmisses by cause: %s%nmisses by capture: %s%n",
                exact, total, 100 * rate, causes, missesByCapture);
        assertThat(rate).as("share of nDPI truth rows matched exactly (misses: %s)", missesByCapture).isGreaterThanOrEqualTo(REQUIRED_EXACT);
    }

    static String key(String proto, String a, int pa, String b, int pb) {
        String ea = normalize(a) + "|" + pa;
        String eb = normalize(b) + "|" + pb;
        return proto.toUpperCase() + "|" + (ea.compareTo(eb) <= 0 ? ea + "|" + eb : eb + "|" + ea);
    }

    private static String normalize(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (IOException e) {
            return ip;
        }
    }

    static Map<String, List<Truth>> loadTruth(Path csv) throws IOException {
        Map<String, List<Truth>> truth = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        int pcap = header.indexOf("pcap");
        int proto = header.indexOf("l4proto");
        int ipA = header.indexOf("ip_a");
        int portA = header.indexOf("port_a");
        int ipB = header.indexOf("ip_b");
        int portB = header.indexOf("port_b");
        int packets = header.indexOf("packets");
        int bytes = header.indexOf("bytes");
        for (String line : lines.subList(1, lines.size())) {
            List<String> c = splitCsv(line);
            truth.computeIfAbsent(c.get(pcap), k -> new ArrayList<>()).add(new Truth(c.get(pcap), c.get(proto), c.get(ipA),
                    Integer.parseInt(c.get(portA)), c.get(ipB), Integer.parseInt(c.get(portB)), Long.parseLong(c.get(packets)),
                    Long.parseLong(c.get(bytes))));
        }
        return truth;
    }

    private static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
