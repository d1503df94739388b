package io.tapflow.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.testing.CollectingSink;
import io.tapflow.agent.testing.TestData;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsReporterTest {
    @Test
    void cycleDeltasAddUpToTheRunTotals() {
        CollectingSink sink = new CollectingSink();
        StatsReporter reporter = new StatsReporter(new AgentIdentity("a1", "l1", 1L), sink, () -> 0);
        Meter meter = new Meter(MeterSettings.defaults(), sink, reporter);
        // teams.pcap spans minutes of capture time: many 10 s flush cycles
        new CaptureReplay(meter, 0, () -> false).run(List.of(TestData.pcap("teams.pcap"), TestData.pcap("badpackets.pcap")));
        meter.finish(EndReason.END_OF_INPUT);

        assertThat(sink.stats).hasSizeGreaterThanOrEqualTo(3); // cycle ends inside the capture, plus the final one
        long packets = sink.stats.stream().mapToLong(AgentStats::getPackets).sum();
        long bytes = sink.stats.stream().mapToLong(AgentStats::getBytes).sum();
        long exported = sink.stats.stream().mapToLong(AgentStats::getFlowsExported).sum();
        long created = sink.stats.stream().mapToLong(AgentStats::getFlowsCreated).sum();
        long samples = sink.stats.stream().mapToLong(AgentStats::getSamples).sum();
        assertThat(packets).isEqualTo(meter.counters().packets);
        assertThat(bytes).isEqualTo(meter.counters().bytes);
        assertThat(exported).isEqualTo(sink.flows.size());
        assertThat(created).isEqualTo(meter.table().created());
        assertThat(samples).isEqualTo(sink.samples.size());
        AgentStats last = sink.stats.get(sink.stats.size() - 1);
        assertThat(last.getFlowsActive()).isZero();
        assertThat(last.getAgentId()).isEqualTo("a1");
        assertThat(sink.stats).allSatisfy(s -> assertThat(s.getIntervalMs()).isBetween(0L, 3_600_000L));
        assertThat(reporter.latest().counters().packets).isEqualTo(meter.counters().packets);
    }
}
