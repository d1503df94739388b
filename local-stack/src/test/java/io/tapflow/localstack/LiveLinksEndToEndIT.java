package io.tapflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.bench.FrameSender;
import io.tapflow.agent.bench.VethLink;
import io.tapflow.agent.config.AgentConfig;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.testing.CollectingSink;
import io.tapflow.agent.testing.Metering;
import io.tapflow.agent.testing.TestData;
import io.tapflow.agent.testing.VethPair;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Three live agents (AF_PACKET) on three veth links into one Kafka + Flink + ClickHouse: what was sent on each link
 * shows up as that link's totals in ClickHouse. Needs root (network interfaces and raw sockets), as the agent's
 * live-capture tests do.
 */
class LiveLinksEndToEndIT {
    private static final List<String> CAPTURES = List.of("dns.pcap", "teams.pcap", "6in4tunnel.pcap");

    @Test
    void eachLinksTotalsInClickHouseEqualWhatWasSentOnIt() throws Exception {
        List<VethLink> links = new ArrayList<>();
        ExecutorService agents = Executors.newFixedThreadPool(CAPTURES.size());
        AtomicBoolean stop = new AtomicBoolean();
        try (LocalStack stack = LocalStack.start()) {
            List<Future<AgentRunner.LiveResult>> runs = new ArrayList<>();
            for (int i = 0; i < CAPTURES.size(); i++) {
                VethLink link = VethPair.createInThisNamespace(); // skipped, with the reason, where veth pairs are forbidden
                links.add(link);
                AgentConfig config = new AgentConfig();
                config.agentId = "live-agent-" + i;
                config.linkId = "link-" + i;
                config.output = AgentConfig.Output.KAFKA;
                config.kafka.bootstrap = stack.kafkaBootstrap();
                config.capture.networkInterface = link.capture;
                config.capture.ringMb = 8;
                config.flow.idleTimeout = "600s"; // flows end at the stop, in one piece as in the file
                config.flow.activeTimeout = "600s";
                AgentConfig.Concluded concluded = config.conclude();
                AgentIdentity identity = new AgentIdentity(config.agentId, config.linkId, System.currentTimeMillis(), link.capture);
                runs.add(agents.submit(() -> AgentRunner.runLive(concluded, identity, stop::get)));
            }
            Thread.sleep(1_500); // the rings are bound
            for (int i = 0; i < CAPTURES.size(); i++) {
                try (FrameSender sender = new FrameSender(links.get(i).sender, VethLink.MAX_FRAME)) {
                    sender.sendCapture(TestData.pcap(CAPTURES.get(i)));
                }
            }
            Thread.sleep(1_000); // the last frames reach the rings
            stop.set(true);
            for (Future<AgentRunner.LiveResult> run : runs) {
                AgentRunner.LiveResult result = run.get();
                assertThat(result.capture().drops()).isZero();
                assertThat(result.sink().dropped() + result.sink().failed()).isZero();
            }
            stack.runAggregation(2);

            // What reading the same files meters, without time-outs: a replay sends a capture's years in a second.
            MeterSettings d = MeterSettings.defaults();
            long forever = TimeUnit.DAYS.toNanos(365L * 100);
            MeterSettings untimed = new MeterSettings(d.flowCapacity(), forever, forever, d.flushIntervalNs(), forever, 0, 0,
                    d.fragmentEntries());
            Map<String, String> expected = new TreeMap<>();
            for (int i = 0; i < CAPTURES.size(); i++) {
                long flows = 0;
                long packets = 0;
                long bytes = 0;
                for (CollectingSink.Flow f : Metering.run(untimed, TestData.pcap(CAPTURES.get(i))).sink().flows) {
                    flows++;
                    packets += f.packets();
                    bytes += f.bytes();
                }
                expected.put("link-" + i, flows + "/" + packets + "/" + bytes);
            }
            Map<String, String> stored = new TreeMap<>();
            try (ClickHouseQueries db = stack.queries()) {
                for (List<String> r : db.select("SELECT link_id, sum(flows), sum(packets), sum(bytes) FROM links_1m FINAL"
                        + " GROUP BY link_id").rows()) {
                    stored.put(r.get(0), r.get(1) + "/" + r.get(2) + "/" + r.get(3));
                }
            }
            assertThat(stored).isEqualTo(expected);
            // Each agent published its link and its interface.
            Map<String, String> interfaces = new TreeMap<>();
            for (int i = 0; i < links.size(); i++) {
                interfaces.put("link-" + i, links.get(i).capture);
            }
            try (ClickHouseQueries db = stack.queries()) {
                Map<String, String> published = new TreeMap<>();
                for (List<String> r : db.select("SELECT link_id, any(capture_interface) FROM agent_stats FINAL GROUP BY link_id").rows()) {
                    published.put(r.get(0), r.get(1));
                }
                assertThat(published).isEqualTo(interfaces);
            }
        } finally {
            stop.set(true);
            agents.shutdownNow();
            links.forEach(VethLink::close);
        }
    }
}
