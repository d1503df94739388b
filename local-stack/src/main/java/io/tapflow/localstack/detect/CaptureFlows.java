package io.tapflow.localstack.detect;

import io.tapflow.agent.classify.ClassifyingSink;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.AvroRecords;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.CycleListener;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowRecord;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Meters one capture in-process, as one link of an agent (the agent's decoder, flow table and timeouts, no pattern
 * matcher), and keeps every flow record it exports: the input {@code detect} feeds to Flink. With payload sampling
 * on, each flow's samples also go, in capture order, to a classifier (the agent's {@link ClassifyingSink}, the same
 * dissectors and rules as the Flink DPI stage), so the records come with their verdicts, DNS fields included.
 */
public final class CaptureFlows {
    /** Bytes kept of each sampled payload when sampling is on: the agent's default. */
    private static final int SAMPLE_BYTES = 1500;

    public record Result(String linkId, List<ClassifiedFlow> flows, CaptureReplay.Result replay) {
    }

    private CaptureFlows() {
    }

    /**
     * @param samplesPerDirection the agent's {@code --sample-packets}: 0 meters without payload sampling (flows are
     *                            then unclassified)
     * @param engine              classifies the samples; one per thread, unused (may be null) when sampling is off
     */
    public static Result meter(Path capture, int samplesPerDirection, ClassifierEngine engine) {
        MeterSettings d = MeterSettings.defaults();
        MeterSettings settings = new MeterSettings(d.flowCapacity(), d.idleTimeoutNs(), d.activeTimeoutNs(),
                d.flushIntervalNs(), d.closeGraceNs(), samplesPerDirection, samplesPerDirection > 0 ? SAMPLE_BYTES : 0,
                d.fragmentEntries());
        String name = capture.getFileName().toString();
        String link = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        ClassifyingSink classify = samplesPerDirection > 0 ? new ClassifyingSink(engine) : null;
        Collector collector = new Collector(new AvroRecords(new AgentIdentity("detect", link, System.currentTimeMillis())),
                classify);
        CycleListener none = (meter, cycleEndNs, last) -> { };
        FlowSink sink = collector;
        if (classify != null) {
            classify.downstream(collector);
            sink = classify;
        }
        Meter meter = new Meter(settings, sink, none);
        CaptureReplay.Result replay = new CaptureReplay(meter, 0, () -> false).run(List.of(capture));
        meter.finish(EndReason.END_OF_INPUT);
        return new Result(link, collector.flows, replay);
    }

    /**
     * Copies each exported record (AvroRecords reuses one) with the classifier's verdict when there is one; samples
     * (already classified upstream) and stats are not needed for detection.
     */
    private static final class Collector implements FlowSink {
        private final AvroRecords records;
        private final ClassifyingSink classify;
        private final List<ClassifiedFlow> flows = new ArrayList<>();

        Collector(AvroRecords records, ClassifyingSink classify) {
            this.records = records;
            this.classify = classify;
        }

        @Override
        public void flow(FlowTable table, int slot, EndReason reason) {
            FlowRecord r = FlowRecord.newBuilder(records.flow(table, slot, reason)).build();
            flows.add(classify == null ? ClassifiedFlow.unclassified(r)
                    : ClassifiedFlow.of(r, classify.currentVerdict(), Math.max(0, r.getPayloadSamples())));
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
    }
}
