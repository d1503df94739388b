package io.tapflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.testing.TestData;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The pipeline's end-to-end contract, for any pair of servers: captures → agents → Kafka → Flink MiniCluster →
 * ClickHouse, and every flow record an agent published is in ClickHouse once with the same counters, the aggregates
 * add up to the same totals, and nothing was dead-lettered.
 */
final class PipelineChecks {
    static final List<String> CAPTURES = List.of("dns.pcap", "teams.pcap", "vxlan.pcap", "gre.pcapng",
            "ipv6_in_gtp.pcap", "4in6tunnel.pcap", "badpackets.pcap", "ip_fragmented_garbage.pcap", "bittorrent.pcap",
            "quic.pcap");

    private PipelineChecks() {
    }

    static void everyPublishedFlowReachesClickHouseOnceAndTheAggregatesAddUp(LocalStack stack) throws Exception {
        List<Path> files = CAPTURES.stream().map(TestData::pcap).toList();
        List<AgentRunner.Result> runs = stack.runAgents(files, 2);
        assertThat(runs).allSatisfy(r -> assertThat(r.sink().dropped() + r.sink().failed()).isZero());
        stack.runAggregation(2);

        // What the agents published, read back from Kafka: identity → packets and bytes per direction.
        var published = TopicReader.readAll(stack.kafkaBootstrap(), Topics.FLOWS, FlowRecord.class, Duration.ofSeconds(60));
        assertThat(published.errors()).isEmpty();
        long exported = runs.stream().mapToLong(r -> r.meter().counters().flowsExported).sum();
        assertThat(published.records()).hasSize((int) exported);
        Map<String, String> expected = new HashMap<>();
        Map<String, long[]> perLink = new TreeMap<>();
        for (FlowRecord r : published.records()) {
            expected.put(r.getAgentId() + "/" + r.getAgentStartMs() + "/" + r.getFlowSeq(),
                    r.getPacketsFwd() + "/" + r.getPacketsRev() + "/" + r.getBytesFwd() + "/" + r.getBytesRev());
            long[] l = perLink.computeIfAbsent(r.getLinkId(), k -> new long[3]);
            l[0]++;
            l[1] += r.getPacketsFwd() + r.getPacketsRev();
            l[2] += r.getBytesFwd() + r.getBytesRev();
        }
        assertThat(perLink).hasSize(CAPTURES.size());

        try (ClickHouseQueries db = stack.queries()) {
            Map<String, String> stored = new HashMap<>();
            for (List<String> r : db.select("SELECT agent_id, agent_start_ms, flow_seq, packets_fwd, packets_rev,"
                    + " bytes_fwd, bytes_rev FROM flows FINAL").rows()) {
                String previous = stored.put(r.get(0) + "/" + r.get(1) + "/" + r.get(2),
                        r.get(3) + "/" + r.get(4) + "/" + r.get(5) + "/" + r.get(6));
                assertThat(previous).as("flow %s stored twice under FINAL", r.subList(0, 3)).isNull();
            }
            assertThat(stored).isEqualTo(expected);

            String totals = db.select("SELECT count(), sum(packets_fwd + packets_rev), sum(bytes_fwd + bytes_rev)"
                    + " FROM flows FINAL").rows().get(0).toString();
            for (String table : List.of("flows_1m", "flows_1h", "links_1m", "links_1h")) {
                assertThat(db.select("SELECT sum(flows), sum(packets), sum(bytes) FROM " + table + " FINAL")
                        .rows().get(0).toString()).as(table).isEqualTo(totals);
            }
            Map<String, String> linkTotals = new TreeMap<>();
            for (List<String> r : db.select("SELECT link_id, sum(flows), sum(packets), sum(bytes) FROM links_1m FINAL"
                    + " GROUP BY link_id").rows()) {
                linkTotals.put(r.get(0), r.get(1) + "/" + r.get(2) + "/" + r.get(3));
            }
            Map<String, String> expectedLinks = new TreeMap<>();
            perLink.forEach((link, v) -> expectedLinks.put(link, v[0] + "/" + v[1] + "/" + v[2]));
            assertThat(linkTotals).isEqualTo(expectedLinks);

            var stats = TopicReader.readAll(stack.kafkaBootstrap(), Topics.AGENT_STATS, AgentStats.class, Duration.ofSeconds(30));
            assertThat(db.select("SELECT count() FROM agent_stats FINAL").single())
                    .isEqualTo(Integer.toString(stats.records().size()));
            assertThat(Stream.of(stack.recordsIn(Topics.DEAD_LETTER))).containsExactly(0L);
        }
    }
}
