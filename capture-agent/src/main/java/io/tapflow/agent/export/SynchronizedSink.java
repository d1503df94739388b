package io.tapflow.agent.export;

import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.lang.foreign.MemorySegment;

/**
 * Lets several capture threads share one sink. {@link KafkaSink} and {@link JsonLinesSink} reuse one record, one
 * encoder and one line buffer, so concurrent calls would mix records; here one thread at a time is inside the sink.
 * Calls come per exported flow and per sampled packet, not per packet, and the sinks never block on the network
 * (Kafka goes through an outbox), so the lock is short and rarely contended.
 */
public final class SynchronizedSink implements FlowSink {
    private final FlowSink delegate;

    public SynchronizedSink(FlowSink delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized void flow(FlowTable table, int slot, EndReason reason) {
        delegate.flow(table, slot, reason);
    }

    @Override
    public synchronized void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                                    long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
        delegate.sample(table, slot, direction, packetIndex, tsNs, data, payloadOffset, capturedBytes, payloadLength, signatures);
    }

    @Override
    public synchronized void stats(AgentStats stats) {
        delegate.stats(stats);
    }

    @Override
    public synchronized SinkCounters counters() {
        return delegate.counters();
    }

    @Override
    public synchronized void close() {
        delegate.close();
    }
}
