package io.tapflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.classify.ClassifyRun;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.localstack.detect.DnsTrafficCapture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DNS anomaly detector in the live job: the generated DNS capture (a base32 tunnel, a DGA-like bot, a workstation,
 * a query flood; {@link DnsTrafficCapture}) → an agent sampling payload → real Kafka → the aggregation job with DPI and
 * detection on a MiniCluster → ClickHouse 18.16. {@code alerts FINAL} holds the three episodes
 * {@code ./tapflow detect} finds on the same capture (DetectCommandIT), with their DNS evidence in the columns of
 * migration 0009; the workstation raises nothing.
 */
class DnsAlertsEndToEndIT {
    /** README, "DNS anomalies", "In the live job". */
    private static final String README_QUERY = """
            SELECT kind, subject, state, attempts AS queries, dns_responses, dns_nxdomain, dns_distinct_names, dns_domain,
                   sample_names
            FROM tapflow.alerts FINAL
            WHERE detector = 'dns_anomaly'
            ORDER BY subject
            """;

    @Test
    void dnsEpisodesReachClickHouseWithTheirEvidence(@TempDir Path dir) throws Exception {
        Path capture = DnsTrafficCapture.write(dir.resolve("dns-lab.pcap"));
        try (LocalStack stack = LocalStack.start()) {
            List<AgentRunner.Result> runs = stack.runAgents(List.of(capture), 1, ClassifyRun.PACKETS, ClassifyRun.BYTES);
            assertThat(runs).allSatisfy(r -> assertThat(r.sink().dropped() + r.sink().failed()).isZero());
            stack.runAggregation(2); // with DPI: names and response codes come from the classified samples

            try (ClickHouseQueries db = stack.queries()) {
                List<List<String>> rows = db.select(README_QUERY).rows();
                System.out.println("README query: " + rows);
                assertThat(rows).extracting(r -> r.get(0) + " " + r.get(1) + " " + r.get(2)).containsExactly(
                        "tunnel " + DnsTrafficCapture.TUNNEL + " CLOSED",
                        "nxdomain " + DnsTrafficCapture.DGA + " CLOSED",
                        "query_rate " + DnsTrafficCapture.FLOOD + " CLOSED");
                List<String> tunnel = rows.get(0);
                assertThat(tunnel.get(3)).isEqualTo(String.valueOf(DnsTrafficCapture.TUNNEL_QUERIES));
                assertThat(tunnel.get(4)).isEqualTo(String.valueOf(DnsTrafficCapture.TUNNEL_QUERIES));
                assertThat(Long.parseLong(tunnel.get(6))).isBetween(37L, 43L); // a HyperLogLog's estimate past 32
                assertThat(tunnel.get(7)).isEqualTo("tunnel-lab.net");
                assertThat(tunnel.get(8)).matches("\\[('[a-z2-7]{24}\\.[a-z2-7]{24}\\.t\\.tunnel-lab\\.net',?){8}]");
                List<String> bot = rows.get(1);
                assertThat(bot.subList(3, 8)).containsExactly(String.valueOf(DnsTrafficCapture.DGA_QUERIES),
                        String.valueOf(DnsTrafficCapture.DGA_QUERIES), String.valueOf(DnsTrafficCapture.DGA_QUERIES * 9 / 10),
                        "0", "");
                assertThat(rows.get(2).get(3)).isEqualTo(String.valueOf(DnsTrafficCapture.FLOOD_QUERIES));
                assertThat(db.select("SELECT count() FROM tapflow.alerts FINAL WHERE detector != 'dns_anomaly'").single())
                        .as("nothing else in this capture is a scan, flood, P2P host or fan-out").isEqualTo("0");
            }
        }
    }
}
