package io.tapflow.localstack.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.TestData;
import io.tapflow.jobs.detect.HeavyHitterRow;
import io.tapflow.jobs.detect.HeavyHitterSettings;
import io.tapflow.schema.FlowRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Heavy hitters of real captures against exact per-address sums computed from the same flow records: the top N is
 * exact while the addresses fit the counters, and within Space-Saving's bounds when they do not.
 */
class HeavyHittersCaptureIT {

    /** One (window, direction, metric) of the exact sums. */
    private record Cell(long windowStart, String direction, String metric) {
    }

    private record Exact(byte[] addr, long value) {
    }

    /** Exact sums: senders and receivers of each direction of each flow, in the window of its last packet. */
    private static Map<Cell, List<Exact>> exact(List<FlowRecord> flows, long windowMs) {
        Map<Cell, Map<String, Long>> sums = new HashMap<>();
        Map<String, byte[]> addrs = new HashMap<>();
        for (FlowRecord r : flows) {
            long w = Math.floorDiv(r.getLastMs(), windowMs) * windowMs;
            byte[] src = r.getSrcAddr().bytes();
            byte[] dst = r.getDstAddr().bytes();
            add(sums, addrs, new Cell(w, "src", "bytes"), src, r.getBytesFwd());
            add(sums, addrs, new Cell(w, "src", "packets"), src, r.getPacketsFwd());
            add(sums, addrs, new Cell(w, "dst", "bytes"), dst, r.getBytesFwd());
            add(sums, addrs, new Cell(w, "dst", "packets"), dst, r.getPacketsFwd());
            if (r.getPacketsRev() > 0) {
                add(sums, addrs, new Cell(w, "src", "bytes"), dst, r.getBytesRev());
                add(sums, addrs, new Cell(w, "src", "packets"), dst, r.getPacketsRev());
                add(sums, addrs, new Cell(w, "dst", "bytes"), src, r.getBytesRev());
                add(sums, addrs, new Cell(w, "dst", "packets"), src, r.getPacketsRev());
            }
        }
        Map<Cell, List<Exact>> out = new HashMap<>();
        sums.forEach((cell, byAddr) -> out.put(cell, byAddr.entrySet().stream()
                .map(e -> new Exact(addrs.get(e.getKey()), e.getValue()))
                .sorted(Comparator.comparingLong(Exact::value).reversed()
                        .thenComparing(Exact::addr, Arrays::compareUnsigned))
                .toList()));
        return out;
    }

    private static void add(Map<Cell, Map<String, Long>> sums, Map<String, byte[]> addrs, Cell cell, byte[] a, long v) {
        String key = Arrays.toString(a);
        addrs.putIfAbsent(key, a.clone());
        sums.computeIfAbsent(cell, c -> new HashMap<>()).merge(key, v, Long::sum);
    }

    private static List<FlowRecord> flows(String capture) {
        List<FlowRecord> flows = new ArrayList<>(CaptureFlows.meter(TestData.pcap(capture), 0, null).flows().stream()
                .map(c -> c.flow).toList());
        flows.sort(Comparator.comparingLong(FlowRecord::getLastMs));
        return flows;
    }

    @Test
    void theTopTenOfACaptureIsItsExactTopTenWhileItsAddressesFitTheCounters() throws Exception {
        List<FlowRecord> flows = flows("gnutella.pcap");
        Map<Cell, List<Exact>> exact = exact(flows, 60_000);
        List<HeavyHitterRow> rows = DetectCommand.heavyHitters(flows, new HeavyHitterSettings(Duration.ofMinutes(1), 1024, 10));

        assertThat(exact.values().stream().mapToInt(List::size).max().orElseThrow())
                .as("gnutella's busiest window has hundreds of addresses").isBetween(100, 1024);
        int expectedRows = exact.values().stream().mapToInt(l -> Math.min(10, l.size())).sum();
        assertThat(rows).hasSize(expectedRows);
        for (HeavyHitterRow r : rows) {
            Exact truth = exact.get(new Cell(r.windowStartMs, r.direction, r.metric)).get(r.rank - 1);
            assertThat(r.addr).as("%s %s rank %d", r.direction, r.metric, r.rank).isEqualTo(truth.addr());
            assertThat(r.estimate).isEqualTo(truth.value());
            assertThat(r.error).isZero();
            assertThat(r.bound).isZero();
            assertThat(r.linkId).isEqualTo("gnutella");
        }
    }

    @Test
    void withFewerCountersThanAddressesEveryRowIsWithinItsBounds() throws Exception {
        List<FlowRecord> flows = flows("gnutella.pcap");
        Map<Cell, List<Exact>> exact = exact(flows, 60_000);
        int counters = 32;
        List<HeavyHitterRow> rows = DetectCommand.heavyHitters(flows, new HeavyHitterSettings(Duration.ofMinutes(1), counters, 10));

        assertThat(rows).anyMatch(r -> r.bound > 0); // the sketch was full: estimates are not all exact
        for (HeavyHitterRow r : rows) {
            List<Exact> cell = exact.get(new Cell(r.windowStartMs, r.direction, r.metric));
            long truth = cell.stream().filter(e -> Arrays.equals(e.addr(), r.addr)).findFirst().orElseThrow().value();
            String what = r.direction + " " + r.metric + " rank " + r.rank;
            assertThat(r.estimate).as(what).isBetween(truth, truth + r.error);
            assertThat(r.error).as(what).isLessThanOrEqualTo(r.bound);
            assertThat(r.bound).as(what).isLessThanOrEqualTo(r.total / counters);
            assertThat(r.total).isEqualTo(cell.stream().mapToLong(Exact::value).sum());
            long trueKth = cell.get(r.rank - 1).value();
            if (trueKth > r.bound) { // every address heavier than the smallest counter holds one
                assertThat(r.estimate).as(what).isGreaterThanOrEqualTo(trueKth);
            }
        }
        // The heaviest sender of each window dominates: it is found exactly where it clearly stands out.
        for (HeavyHitterRow r : rows) {
            List<Exact> cell = exact.get(new Cell(r.windowStartMs, r.direction, r.metric));
            if (r.rank == 1 && cell.size() > 1 && cell.get(0).value() - cell.get(1).value() > 2 * r.bound) {
                assertThat(r.addr).isEqualTo(cell.get(0).addr());
            }
        }
    }

    @Test
    void theCommandPrintsHeavyHittersOnlyWhenAsked() {
        String capture = TestData.pcap("synscan.pcap").toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DetectCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--heavy-hitters", "3", "--read", capture)).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("{\"type\":\"heavy_hitter\"")).isNotEmpty()
                .allMatch(l -> l.contains("\"link_id\":\"synscan\""))
                .anyMatch(l -> l.contains("\"direction\":\"src\",\"metric\":\"packets\",\"rank\":1,\"addr\":\"172.16.0.8\""));
        assertThat(lines).filteredOn(l -> l.startsWith("{\"detector\":")).hasSize(6); // the port-scan, TRW and fan-out episodes
        assertThat(err.toString()).contains("heavy-hitter row(s)");

        StringWriter bad = new StringWriter();
        cli.setErr(new PrintWriter(bad, true));
        assertThat(cli.execute("--heavy-hitters", "3", "--heavy-hitter-window", "0", "--read", capture)).isEqualTo(2);
        assertThat(bad.toString()).contains("heavy-hitter window must be whole seconds, at least 1 s, got PT0S");
    }
}
