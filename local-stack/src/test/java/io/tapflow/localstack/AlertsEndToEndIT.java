package io.tapflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.testing.TestData;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The detectors in the live job: captures → agents (payload sampling off: detection reads flow records only) → real
 * Kafka → the aggregation job with detection on a MiniCluster → ClickHouse 18.16. {@code alerts FINAL} holds exactly
 * the episodes {@code ./tapflow detect} finds on the same captures (DetectCommandIT), with their evidence, and
 * alerts.v1 holds each episode's OPEN and CLOSED record; the benign capture (teams) raises nothing.
 */
class AlertsEndToEndIT {
    /** README, "Behavioural detection", "In the live job". */
    private static final String README_QUERY = """
            SELECT detector, kind, link_id, subject, state, attempts, distinct_ports, distinct_hosts,
                   toDateTime(intDiv(first_seen_ms, 1000), 'UTC') AS first_seen, toDateTime(intDiv(last_seen_ms, 1000), 'UTC') AS last_seen,
                   arrayMap(a -> replaceRegexpOne(IPv6NumToString(a), '^::ffff:', ''), sample_peers) AS peers, sample_ports
            FROM tapflow.alerts FINAL
            WHERE state = 'OPEN'              -- or 'CLOSED'; leave out for both
            ORDER BY first_seen_ms DESC
            """;

    /** README, "Heavy hitters per link". */
    private static final String README_HEAVY_HITTERS = """
            SELECT window_start, link_id, rank, replaceRegexpOne(IPv6NumToString(addr), '^::ffff:', '') AS address,
                   estimate, error, total, bound
            FROM tapflow.heavy_hitters FINAL
            WHERE direction = 'src' AND metric = 'bytes'
            ORDER BY window_start DESC, link_id, rank
            """;

    /** Per link: the heavy hitters' window totals (senders by bytes) beside the bytes of the flows table. */
    private static final String HEAVY_HITTER_TOTALS = """
            SELECT link_id, toString(hh), toString(flows) FROM
              (SELECT link_id, sum(total) AS hh FROM heavy_hitters FINAL
               WHERE rank = 1 AND direction = 'src' AND metric = 'bytes' GROUP BY link_id)
            ANY INNER JOIN
              (SELECT link_id, sum(bytes_fwd + bytes_rev) AS flows FROM flows FINAL GROUP BY link_id)
            USING link_id ORDER BY link_id
            """;

    @Test
    void theLiveJobWritesEveryEpisodeToClickHouseAndKafka() throws Exception {
        List<Path> files = List.of(TestData.pcap("synscan.pcap"), TestData.extra("suricata-verify_syn-flood.pcap"),
                TestData.pcap("teams.pcap"), TestData.pcap("bittorrent.pcap"));
        try (LocalStack stack = LocalStack.start()) {
            List<AgentRunner.Result> runs = stack.runAgents(files, 2, 0, null);
            assertThat(runs).allSatisfy(r -> assertThat(r.sink().dropped() + r.sink().failed()).isZero());
            stack.runAggregation(2, null); // no DPI: nothing to classify without samples

            Map<String, List<String>> episodes = new TreeMap<>();
            try (ClickHouseQueries db = stack.queries()) {
                for (List<String> r : db.select("SELECT detector, link_id, subject, state, kind, attempts, distinct_ports,"
                        + " distinct_hosts, length(sample_ports), length(sample_peers), first_seen_ms <= last_seen_ms,"
                        + " episode_id FROM alerts FINAL ORDER BY detector").rows()) {
                    episodes.put(r.get(0) + " " + r.get(1) + " " + r.get(2), r.subList(3, r.size()));
                }
                assertThat(Integer.parseInt(db.select("SELECT count() FROM alerts").single()))
                        .as("rows before merging: OPEN + CLOSED of 5 episodes").isBetween(5, 10);
                // The README's query for open and closed episodes runs on 18.16.
                List<List<String>> closed = db.select(README_QUERY.replace("'OPEN'", "'CLOSED'")).rows();
                System.out.println("README query, CLOSED: " + closed);
                assertThat(closed).extracting(r -> r.get(0) + " " + r.get(3) + " " + r.get(4))
                        .containsExactlyInAnyOrder("syn_flood 198.51.100.5:443 CLOSED", "port_scan 172.16.0.8 CLOSED",
                                "fan_out 172.16.0.8 CLOSED", "p2p 192.168.1.3 CLOSED", "trw_scan 172.16.0.8 CLOSED");
                assertThat(closed).allSatisfy(r -> assertThat(r.get(10)).as("peers as text").matches("\\['[0-9.]+'.*\\]"));
                assertThat(db.select(README_QUERY).rows()).as("no episode is still open").isEmpty();

                // Heavy hitters per link (README, "Heavy hitters per link"): each link's windows rank senders and
                // receivers by bytes and packets; a window's total is every byte of its flows (a flow counts in the
                // window of its last packet), and the scanner is synscan's top sender of packets.
                assertThat(db.select("SELECT DISTINCT link_id FROM heavy_hitters FINAL ORDER BY link_id").values("link_id"))
                        .containsExactly("bittorrent", "suricata-verify_syn-flood", "synscan", "teams");
                assertThat(db.select("SELECT count() FROM (SELECT link_id, window_start FROM heavy_hitters FINAL"
                        + " WHERE rank = 1 GROUP BY link_id, window_start HAVING count() != 4)").single())
                        .as("every window has a rank 1 for src/dst × bytes/packets").isEqualTo("0");
                List<List<String>> totals = db.select(HEAVY_HITTER_TOTALS).rows();
                System.out.println("heavy-hitter totals vs flows: " + totals);
                assertThat(totals).hasSize(4).allSatisfy(r -> assertThat(r.get(1)).as(r.get(0)).isEqualTo(r.get(2)));
                assertThat(db.select(README_HEAVY_HITTERS.replace("'src'", "'src' AND link_id = 'synscan'")
                        .replace("'bytes'", "'packets'")).rows())
                        .anySatisfy(r -> assertThat(r.get(3)).isEqualTo("172.16.0.8"));
            }
            System.out.println("alerts FINAL: " + episodes);
            assertThat(episodes).containsOnlyKeys("port_scan synscan 172.16.0.8", "fan_out synscan 172.16.0.8",
                    "syn_flood suricata-verify_syn-flood 198.51.100.5:443", "p2p bittorrent 192.168.1.3",
                    "trw_scan synscan 172.16.0.8");
            // As ./tapflow detect finds them (README): 1994 failed connections to 1000 ports (961: the HyperLogLog's
            // estimate), 200 half-open attempts from one initiator; 8 sample ports each (the flood hits one port).
            assertThat(episodes.get("port_scan synscan 172.16.0.8").subList(0, 6))
                    .containsExactly("CLOSED", "vertical", "1994", "961", "1", "8");
            assertThat(episodes.get("syn_flood suricata-verify_syn-flood 198.51.100.5:443").subList(0, 6))
                    .containsExactly("CLOSED", "half_open", "200", "1", "1", "1");
            // The scanner is a fan-out too, and the BitTorrent client a P2P host by behaviour (README, the test set).
            assertThat(episodes.get("fan_out synscan 172.16.0.8").subList(0, 3)).containsExactly("CLOSED", "connections", "1994");
            assertThat(episodes.get("p2p bittorrent 192.168.1.3").subList(0, 2)).containsExactly("CLOSED", "peer_ports");
            // TRW judged each of the 1000 probed ports once (first contacts), whatever order the flows arrived in.
            assertThat(episodes.get("trw_scan synscan 172.16.0.8").subList(0, 3)).containsExactly("CLOSED", "trw", "1000");
            assertThat(episodes.values()).allSatisfy(e -> assertThat(e.get(7)).isEqualTo("1"));

            var published = TopicReader.readAll(stack.kafkaBootstrap(), Topics.ALERTS, Alert.class, Duration.ofSeconds(60));
            assertThat(published.errors()).isEmpty();
            assertThat(published.records()).extracting(a -> a.getDetector() + " " + a.getState() + " " + a.getSubject())
                    .containsExactlyInAnyOrder("port_scan OPEN 172.16.0.8", "port_scan CLOSED 172.16.0.8",
                            "fan_out OPEN 172.16.0.8", "fan_out CLOSED 172.16.0.8",
                            "syn_flood OPEN 198.51.100.5:443", "syn_flood CLOSED 198.51.100.5:443",
                            "p2p OPEN 192.168.1.3", "p2p CLOSED 192.168.1.3",
                            "trw_scan OPEN 172.16.0.8", "trw_scan CLOSED 172.16.0.8");
            for (Alert a : published.records()) {
                List<String> stored = episodes.get(a.getDetector() + " " + a.getLinkId() + " " + a.getSubject());
                assertThat(String.valueOf(a.getEpisodeId())).as("the same episode as in ClickHouse").isEqualTo(stored.get(8));
                if (a.getState() == AlertState.CLOSED) {
                    assertThat(String.valueOf(a.getAttempts())).isEqualTo(stored.get(2));
                    assertThat(String.valueOf(a.getDistinctPorts())).isEqualTo(stored.get(3));
                }
            }
        }
    }
}
