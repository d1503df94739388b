package io.tapflow.agent.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifyingSinkTest {
    @Test
    void everyRecordReleasesItsClassifierActiveTimeoutSlicesToo() {
        MeterSettings d = MeterSettings.defaults();
        // A one-second active timeout slices the capture's longer flows.
        MeterSettings settings = new MeterSettings(1 << 12, d.idleTimeoutNs(), 1_000_000_000L, 1_000_000_000L,
                d.closeGraceNs(), ClassifyRun.PACKETS, ClassifyRun.BYTES, d.fragmentEntries());
        ClassifyingSink classify = new ClassifyingSink(ClassifierEngine.defaults());
        List<EndReason> reasons = new ArrayList<>();
        classify.downstream(new FlowSink() {
            @Override
            public void flow(FlowTable table, int slot, EndReason reason) {
                reasons.add(reason);
            }

            @Override
            public void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                               long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
            }

            @Override
            public void stats(AgentStats stats) {
            }

            @Override
            public void close() {
            }
        });
        Meter meter = new Meter(settings, classify, (m, ts, last) -> { });
        new CaptureReplay(meter, 0, () -> false).run(List.of(TestData.pcap("1kxun.pcap")));
        meter.finish(EndReason.END_OF_INPUT);

        assertThat(reasons).contains(EndReason.ACTIVE_TIMEOUT);
        assertThat(classify.liveFlows()).isZero();
    }
}
