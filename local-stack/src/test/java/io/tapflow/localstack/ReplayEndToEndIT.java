package io.tapflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.rules.HostRules;
import io.tapflow.jobs.cli.JobsCli;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.schema.FlowVerdict;
import io.tapflow.schema.Topics;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reanalysis end to end: a live run with the bundled rules, then {@code replay} over the same Kafka time range with
 * one host rule changed. flow_verdicts has the new application for exactly the flows the rule names, the same
 * verdict as live for every other flow, and flows and the aggregates still have the live verdicts.
 */
class ReplayEndToEndIT {
    private static final List<String> CAPTURES = List.of("youtube_quic.pcap", "chrome.pcap", "dns.pcap", "quic.pcap");
    /** The side-by-side query of the README: live verdicts (flows) beside an analysis' (flow_verdicts). */
    private static final String SIDE_BY_SIDE = "SELECT link_id, flow_seq, server_name, app AS live_app, test_app"
            + " FROM flows FINAL ANY INNER JOIN (SELECT agent_id, agent_start_ms, flow_seq, app AS test_app"
            + " FROM flow_verdicts FINAL WHERE analysis = 'test') USING (agent_id, agent_start_ms, flow_seq)";

    @TempDir
    Path dir;

    @Test
    void aReplayWithAChangedRuleWritesNewVerdictsBesideTheLiveOnes() throws Exception {
        Path rules = dir.resolve("host-rules.txt");
        try (InputStream bundled = HostRules.class.getClassLoader().getResourceAsStream(HostRules.DEFAULT_RESOURCE)) {
            String text = new String(bundled.readAllBytes(), StandardCharsets.UTF_8);
            // A longer suffix than the bundled "ggpht.com YouTube": it wins for yt3.ggpht.com only.
            Files.writeString(rules, text + "\nyt3.ggpht.com   TestTube   Media\n");
        }
        try (LocalStack stack = LocalStack.start()) {
            Instant from = Instant.now().minusSeconds(1);
            stack.runAgents(CAPTURES.stream().map(TestData::pcap).toList(), 2);
            Instant to = Instant.now().plusSeconds(1);
            stack.runAggregation(2);

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = JobsCli.run(new PrintWriter(out, true), new PrintWriter(err, true), "replay",
                    "--from", from.toString(), "--to", to.toString(), "--host-rules", rules.toString(),
                    "--analysis", "test", "--kafka", stack.kafkaBootstrap(), "--clickhouse", stack.clickhouse().url(),
                    "--parallelism", "2");
            assertThat(exit).as("replay exit; stderr: %s", err).isZero();
            assertThat(out.toString()).contains("analysis 'test'").contains("replay 'test' finished");

            try (ClickHouseQueries db = stack.queries()) {
                long flows = Long.parseLong(db.select("SELECT count() FROM flows FINAL").single());
                assertThat(db.select("SELECT count() FROM flow_verdicts FINAL WHERE analysis = 'test'").single())
                        .isEqualTo(String.valueOf(flows));
                List<List<String>> sideBySide = db.select(SIDE_BY_SIDE).rows();
                assertThat(sideBySide).hasSize((int) flows);
                List<List<String>> changed = sideBySide.stream().filter(r -> !r.get(3).equals(r.get(4))).toList();
                assertThat(changed).extracting(r -> r.get(0)).contains("youtube_quic"); // and quic has one
                assertThat(changed).allSatisfy(r -> {
                    assertThat(r.get(2)).isEqualTo("yt3.ggpht.com");
                    assertThat(r.get(3)).isEqualTo("YouTube");
                    assertThat(r.get(4)).isEqualTo("TestTube");
                });
                assertThat(sideBySide.stream().filter(r -> r.get(2).equals("yt3.ggpht.com")).count())
                        .isEqualTo(changed.size());
                // Live results untouched.
                assertThat(db.select("SELECT count() FROM flows FINAL WHERE app = 'TestTube'").single()).isEqualTo("0");
                assertThat(db.select("SELECT count() FROM flows_1m FINAL WHERE app = 'TestTube'").single()).isEqualTo("0");
                assertThat(db.select("SELECT count() FROM flows_1m FINAL WHERE app = 'YouTube'").single()).isNotEqualTo("0");
            }
            var verdicts = TopicReader.readAll(stack.kafkaBootstrap(), Topics.VERDICTS, FlowVerdict.class,
                    Duration.ofSeconds(60));
            assertThat(verdicts.records().stream().filter(v -> v.getAnalysis().equals("test")))
                    .anySatisfy(v -> assertThat(v.getApp()).isEqualTo("TestTube"))
                    .allSatisfy(v -> assertThat(v.getRulesVersion()).hasSize(16));
        }
    }
}
