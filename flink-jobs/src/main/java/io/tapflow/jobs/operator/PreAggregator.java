package io.tapflow.jobs.operator;

import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.schema.FlowRecord;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The local half of a two-phase aggregation, chained to the source so it costs no shuffle. Each flow updates a few
 * in-memory sums (one per {@link Aggregate}: its flow key, its link, its two hosts, in the 1-minute and 1-hour window
 * it falls in); the sums go downstream as {@link Partial}s, where keyed windows add them up. Without it every flow
 * would cross five keyed exchanges and update eight windows' state, which is what bounded the job's throughput.
 *
 * <p>Partials leave when their window has closed (on the watermark, before the watermark itself goes on), before
 * every checkpoint barrier (so this operator has no state to snapshot and nothing is lost on restart), at the end of
 * input, and when {@code maxEntries} keys are buffered (bounded memory). Splitting a window's sum over several
 * partials is harmless: the downstream windows add them.
 */
public final class PreAggregator extends AbstractStreamOperator<Partial>
        implements OneInputStreamOperator<ClassifiedFlow, Partial> {
    private static final long serialVersionUID = 1L;
    private final int maxEntries;
    /** Per aggregate, per window start (ordered, so a watermark touches only the windows it closes), per key. */
    private transient Map<Aggregate, TreeMap<Long, Map<BinaryKey, Partial>>> buffers;
    private transient int entries;
    private transient Counter partialsOut;
    private transient String lastLink;
    private transient BinaryKey lastLinkKey;

    public PreAggregator(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("pre-aggregation needs room for at least one key, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffers = new EnumMap<>(Aggregate.class);
        for (Aggregate a : Aggregate.values()) {
            buffers.put(a, new TreeMap<>());
        }
        partialsOut = getMetricGroup().counter("partialsOut");
    }

    @Override
    public void processElement(StreamRecord<ClassifiedFlow> element) {
        ClassifiedFlow classified = element.getValue();
        FlowRecord r = classified.flow;
        long ts = element.hasTimestamp() ? element.getTimestamp() : r.getLastMs();
        long packets = r.getPacketsFwd() + r.getPacketsRev();
        long bytes = r.getBytesFwd() + r.getBytesRev();
        if (!r.getLinkId().equals(lastLink)) { // a partition carries few links: encode each once, not per record
            lastLink = r.getLinkId();
            lastLinkKey = AggregateKeys.linkKey(lastLink);
        }
        BinaryKey linkKey = lastLinkKey;
        byte[] src = r.getSrcAddr().bytes();
        byte[] dst = r.getDstAddr().bytes();
        BinaryKey flowKey = AggregateKeys.flowKey(linkKey, r.getL4Proto(), classified.aggregateApp(),
                ServicePorts.of(r.getSrcPort(), r.getDstPort()), src, dst);
        BinaryKey srcKey = AggregateKeys.hostKey(linkKey, src);
        BinaryKey dstKey = java.util.Arrays.equals(src, dst) ? null : AggregateKeys.hostKey(linkKey, dst);
        for (Aggregate a : Aggregate.values()) {
            long windowStart = ts - Math.floorMod(ts, a.size().toMillis());
            switch (a.kind()) {
                case FLOW -> add(a, flowKey, windowStart, packets, bytes);
                case LINK -> add(a, linkKey, windowStart, packets, bytes);
                case HOST -> {
                    add(a, srcKey, windowStart, packets, bytes);
                    if (dstKey != null) { // a flow between a host and itself counts once
                        add(a, dstKey, windowStart, packets, bytes);
                    }
                }
            }
        }
        if (entries >= maxEntries) {
            flush(Long.MAX_VALUE);
        }
    }

    private void add(Aggregate a, BinaryKey key, long windowStart, long packets, long bytes) {
        Map<BinaryKey, Partial> window = buffers.get(a).computeIfAbsent(windowStart, w -> new HashMap<>());
        Partial p = window.get(key);
        if (p == null) {
            p = new Partial(key);
            window.put(key, p);
            entries++;
        }
        p.add(1, packets, bytes);
    }

    /** Sends the partials of windows that end at or before {@code watermark} (all of them for Long.MAX_VALUE). */
    private void flush(long watermark) {
        for (Map.Entry<Aggregate, TreeMap<Long, Map<BinaryKey, Partial>>> e : buffers.entrySet()) {
            long size = e.getKey().size().toMillis();
            OutputTag<Partial> tag = e.getKey().tag();
            TreeMap<Long, Map<BinaryKey, Partial>> windows = e.getValue();
            while (!windows.isEmpty()) {
                long windowStart = windows.firstKey();
                long lastMs = windowStart + size - 1;
                if (lastMs > watermark && watermark != Long.MAX_VALUE) {
                    break; // this window and every later one is still open
                }
                Map<BinaryKey, Partial> partials = windows.pollFirstEntry().getValue();
                for (Partial p : partials.values()) {
                    output.collect(tag, new StreamRecord<>(p, lastMs));
                }
                partialsOut.inc(partials.size());
                entries -= partials.size();
            }
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(Long.MAX_VALUE);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush(Long.MAX_VALUE);
        super.finish();
    }
}
