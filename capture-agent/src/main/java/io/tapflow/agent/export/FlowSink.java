package io.tapflow.agent.export;

import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.lang.foreign.MemorySegment;

/** Where the meter's output goes. Called from the capture thread; must not block it. */
public interface FlowSink extends AutoCloseable {

    /** A flow (or active-timeout slice) ends; read the slot now, it is reused after the call. */
    void flow(FlowTable table, int slot, EndReason reason);

    /** A payload sample of the packet just metered. */
    void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs,
                MemorySegment data, long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures);

    /** The stats of one flush cycle. */
    void stats(AgentStats stats);

    /** Counters of what the sink sent, failed to send, or dropped; zeros for sinks that cannot lose records. */
    default SinkCounters counters() {
        return SinkCounters.NONE;
    }

    /** Flushes and releases; waits at most the sink's configured grace for buffered records. */
    @Override
    void close();

    record SinkCounters(long sent, long failed, long dropped) {
        public static final SinkCounters NONE = new SinkCounters(0, 0, 0);
    }
}
