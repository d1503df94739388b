package io.tapflow.jobs.source;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Unwraps envelopes: records go on, dead letters go to the {@link #DEAD_LETTERS} side output and are counted. */
public final class DeadLetterSplitter<T> extends ProcessFunction<Envelope<T>, T> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", Types.POJO(DeadLetter.class));

    private transient Counter undecodable;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
        undecodable = getRuntimeContext().getMetricGroup().counter("undecodableRecords");
    }

    @Override
    public void processElement(Envelope<T> envelope, Context ctx, Collector<T> out) {
        if (envelope.record != null) {
            out.collect(envelope.record);
        } else {
            undecodable.inc();
            ctx.output(DEAD_LETTERS, envelope.deadLetter);
        }
    }
}
