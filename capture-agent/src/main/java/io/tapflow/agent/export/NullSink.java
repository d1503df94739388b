package io.tapflow.agent.export;

import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.lang.foreign.MemorySegment;

/** {@code --output none}: meter only (benchmarks, dry runs); the exit summary still counts everything. */
public final class NullSink implements FlowSink {
    @Override
    public void flow(FlowTable table, int slot, EndReason reason) {
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
