package io.tapflow.jobs.dpi;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Stamps each classified flow with its flow's event time (the last packet), as the flow records were stamped: a flow
 * classified as soon as its last sample came carries that sample's timestamp otherwise, and would fall into the wrong
 * window. Watermarks pass through unchanged (an assigner would replace them). Chained, so it costs a field write.
 */
public final class FlowEventTime extends AbstractStreamOperator<ClassifiedFlow>
        implements OneInputStreamOperator<ClassifiedFlow, ClassifiedFlow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(StreamRecord<ClassifiedFlow> element) {
        output.collect(element.replace(element.getValue(), element.getValue().flow.getLastMs()));
    }
}
