package io.tapflow.agent.classify;

import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.classifier.Classifier;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.classifier.verdict.Verdict;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Feeds every payload sample of a flow, in capture order, to that flow's {@link Classifier} and hands the verdict to
 * a downstream sink when the flow record is written. Classifiers are pooled: a capture has few flows alive at once.
 */
public final class ClassifyingSink implements FlowSink {
    private final ClassifierEngine engine;
    private final Map<Long, Classifier> live = new HashMap<>();
    private final ArrayDeque<Classifier> pool = new ArrayDeque<>();
    private final byte[] scratch = new byte[65_536];
    private FlowSink downstream;
    private Verdict current = Verdict.NONE;

    public ClassifyingSink(ClassifierEngine engine) {
        this.engine = engine;
    }

    /** The sink that writes flows; it may read {@link #currentVerdict()} while writing one. */
    public void downstream(FlowSink sink) {
        this.downstream = sink;
    }

    /** The verdict of the flow being written (valid during {@link FlowSink#flow}). */
    public Verdict currentVerdict() {
        return current;
    }

    @Override
    public void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                       long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
        Classifier c = classifier(table, slot);
        if (c.decided()) {
            return;
        }
        int n = Math.min(capturedBytes, scratch.length);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, payloadOffset, scratch, 0, n);
        c.feed(direction, scratch, 0, n, signatures.array(), signatures.count()); // the meter's matcher already scanned it
    }

    private Classifier classifier(FlowTable table, int slot) {
        long seq = table.flowSeq(slot);
        Classifier c = live.get(seq);
        if (c == null) {
            c = pool.isEmpty() ? engine.newClassifier() : pool.pop();
            long endpoint = (table.srcHi(slot) * 31 + table.srcLo(slot)) * 65_537 + table.srcPort(slot) + 1;
            c.start(table.protocol(slot), table.srcPort(slot), table.dstPort(slot), endpoint);
            live.put(seq, c);
        }
        return c;
    }

    @Override
    public void flow(FlowTable table, int slot, EndReason reason) {
        Classifier c = classifier(table, slot); // flows without payload get one too: L4 and port verdicts
        current = c.verdict();
        if (downstream != null) {
            downstream.flow(table, slot, reason);
        }
        current = Verdict.NONE;
        // Every record ends its classifier, an active-timeout slice too: the next slice has a new flow_seq and its own
        // (usually no) samples, as the Flink DPI stage, keyed by flow_seq, sees it. Keeping the state across slices
        // would need the records to name their first slice.
        live.remove(table.flowSeq(slot));
        pool.push(c);
    }

    /** Flows with a classifier in use (for tests: none once every flow is written). */
    int liveFlows() {
        return live.size();
    }

    @Override
    public void stats(AgentStats stats) {
        if (downstream != null) {
            downstream.stats(stats);
        }
    }

    @Override
    public SinkCounters counters() {
        return downstream == null ? SinkCounters.NONE : downstream.counters();
    }

    @Override
    public void close() {
        if (downstream != null) {
            downstream.close();
        }
    }
}
