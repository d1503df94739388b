package io.tapflow.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.CollectingSink;
import io.tapflow.agent.testing.TestData;
import io.tapflow.schema.EndReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A live source with no frames still expires flows: the meter's clock follows the wall clock it is given. */
class MeterTickTest {
    @Test
    void tickWithoutFramesExpiresIdleFlowsAndEndsStatsCycles() {
        CollectingSink sink = new CollectingSink();
        int[] cycles = new int[1];
        Meter meter = new Meter(MeterSettings.defaults(), sink, (m, ts, last) -> cycles[0]++);
        new CaptureReplay(meter, 0, () -> false).run(List.of(TestData.pcap("teams.pcap")));
        long flows = meter.table().size();
        assertThat(flows).isPositive();
        int exportedBefore = sink.flows.size();
        int cyclesBefore = cycles[0];

        long last = meter.captureTimeNs();
        meter.tick(last - 5_000_000_000L); // earlier: capture time never goes back
        assertThat(meter.captureTimeNs()).isEqualTo(last);

        meter.tick(last + 5_000_000_000L);     // within the idle timeout: only closed TCP flows end (after their grace)
        assertThat(sink.flows.subList(exportedBefore, sink.flows.size()))
                .allMatch(f -> f.reason() == EndReason.TCP_FIN || f.reason() == EndReason.TCP_RST);
        int idleBefore = sink.flows.size();
        meter.tick(last + 45_000_000_000L);    // past idle timeout + flush interval: every other flow ends
        assertThat(meter.table().size()).isZero();
        assertThat(sink.flows.size() - exportedBefore).isEqualTo(flows);
        assertThat(sink.flows.subList(idleBefore, sink.flows.size())).isNotEmpty()
                .allMatch(f -> f.reason() == EndReason.IDLE_TIMEOUT);
        assertThat(cycles[0]).as("stats cycles end on ticks too").isGreaterThan(cyclesBefore);
    }
}
