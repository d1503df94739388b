package io.tapflow.agent.testing;

import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** Hands every call to each sink in turn (for example Kafka and a {@link CollectingSink} to compare with). */
public final class TeeSink implements FlowSink {
    private final List<FlowSink> sinks;

    public TeeSink(FlowSink... sinks) {
        this.sinks = List.of(sinks);
    }

    @Override
    public void flow(FlowTable table, int slot, EndReason reason) {
        for (FlowSink s : sinks) {
            s.flow(table, slot, reason);
        }
    }

    @Override
    public void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                       long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
        for (FlowSink s : sinks) {
            s.sample(table, slot, direction, packetIndex, tsNs, data, payloadOffset, capturedBytes, payloadLength, signatures);
        }
    }

    @Override
    public void stats(AgentStats stats) {
        for (FlowSink s : sinks) {
            s.stats(stats);
        }
    }

    /** Closes every sink, even when one throws; the first failure is rethrown with the others suppressed. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (FlowSink s : sinks) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
