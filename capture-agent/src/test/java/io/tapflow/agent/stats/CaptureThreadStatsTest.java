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
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** Two capture threads, one stream of stats records: unique cycle ends, and the records add up to both threads' totals. */
class CaptureThreadStatsTest {
    @Test
    void recordsOfAllThreadsAddUpAndNeverShareACycleEnd() {
        CollectingSink sink = new CollectingSink();
        long[] drops = {3, 4};
        CaptureThreadStats stats = new CaptureThreadStats(new StatsReporter(new AgentIdentity("a1", "eth0", 1L), sink, () -> 0),
                List.<LongSupplier>of(() -> drops[0], () -> drops[1]));
        Meter first = new Meter(MeterSettings.defaults(), sink, stats.listener(0));
        Meter second = new Meter(MeterSettings.defaults(), sink, stats.listener(1));
        // the same capture on both: both threads end cycles at the same capture times
        new CaptureReplay(first, 0, () -> false).run(List.of(TestData.pcap("teams.pcap")));
        new CaptureReplay(second, 0, () -> false).run(List.of(TestData.pcap("teams.pcap")));
        first.finish(EndReason.SHUTDOWN);
        assertThat(sink.stats.getLast().getFlowsActive()).as("no final record before every thread finished").isPositive();
        second.finish(EndReason.SHUTDOWN);

        assertThat(sink.stats.stream().mapToLong(AgentStats::getPackets).sum())
                .isEqualTo(first.counters().packets + second.counters().packets);
        assertThat(sink.stats.stream().mapToLong(AgentStats::getFlowsCreated).sum())
                .isEqualTo(first.table().created() + second.table().created());
        assertThat(sink.stats.stream().mapToLong(AgentStats::getFlowsExported).sum()).isEqualTo(sink.flows.size());
        assertThat(sink.stats.stream().mapToLong(AgentStats::getCaptureDrops).sum()).isEqualTo(7);
        assertThat(sink.stats.stream().map(AgentStats::getTsMs).distinct().count()).isEqualTo(sink.stats.size());
        assertThat(sink.stats.getLast().getFlowsActive()).isZero();
        assertThat(stats.latest().counters().packets).isEqualTo(first.counters().packets + second.counters().packets);
    }
}
