package io.tapflow.jobs.dpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.FlowRecord;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class FlowEventTimeTest {
    @Test
    void stampsEachFlowWithItsLastPacketAndPassesWatermarksOn() throws Exception {
        FlowRecord r = Flows.flow("l", 1, 1_700_000_010_000L, 1, 2, 80, 4, 400);
        try (var harness = new OneInputStreamOperatorTestHarness<ClassifiedFlow, ClassifiedFlow>(new FlowEventTime())) {
            harness.open();
            harness.processElement(new StreamRecord<>(ClassifiedFlow.unclassified(r), 1_700_000_009_123L));
            harness.processWatermark(new Watermark(1_700_000_000_000L));

            assertThat(harness.getOutput()).hasSize(2);
            assertThat(((StreamRecord<?>) harness.getOutput().poll()).getTimestamp()).isEqualTo(1_700_000_010_000L);
            assertThat(harness.getOutput().poll()).isEqualTo(new Watermark(1_700_000_000_000L));
        }
    }
}
