package io.tapflow.jobs.operator;

import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.jobs.source.DeadLetter;
import io.tapflow.jobs.source.DeadLetterSplitter;
import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.FlowKeys;
import io.tapflow.schema.FlowRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The job's late-data policy in one place. A flow whose event time is behind the watermark but within the allowed
 * lateness goes on: its windows fire again with a corrected aggregate (a higher row version, which replaces the earlier
 * row in ClickHouse). A flow later than that would be dropped silently by the windows, so it is diverted here instead:
 * counted ({@code lateRecords}) and sent to the dead-letter topic with reason "late". Its raw row in {@code flows} is
 * written either way (that sink does not window).
 */
public final class LateRecordFilter extends ProcessFunction<ClassifiedFlow, ClassifiedFlow> {
    private static final long serialVersionUID = 1L;
    private final long allowedLatenessMs;
    private final String sourceTopic;
    private transient Counter late;
    private transient Counter corrected;
    private transient AvroCodec<FlowRecord> codec;

    public LateRecordFilter(long allowedLatenessMs, String sourceTopic) {
        this.allowedLatenessMs = allowedLatenessMs;
        this.sourceTopic = sourceTopic;
    }

    @Override
    public void open(OpenContext context) {
        late = getRuntimeContext().getMetricGroup().counter("lateRecords");
        corrected = getRuntimeContext().getMetricGroup().counter("lateRecordsCorrected");
        codec = AvroCodec.of(FlowRecord.class);
    }

    @Override
    public void processElement(ClassifiedFlow c, Context ctx, Collector<ClassifiedFlow> out) {
        FlowRecord r = c.flow;
        long watermark = ctx.timerService().currentWatermark();
        long ts = ctx.timestamp() == null ? r.getLastMs() : ctx.timestamp();
        if (watermark == Long.MIN_VALUE || ts > watermark) {
            out.collect(c);
        } else if (ts > watermark - allowedLatenessMs) {
            corrected.inc();
            out.collect(c);
        } else {
            late.inc();
            ctx.output(DeadLetterSplitter.DEAD_LETTERS, new DeadLetter(
                    "late: event time " + ts + " ms is more than the allowed lateness (" + allowedLatenessMs
                            + " ms) behind the watermark " + watermark,
                    sourceTopic, -1, -1, ts, FlowKeys.of(r), codec.encode(r)));
        }
    }
}
