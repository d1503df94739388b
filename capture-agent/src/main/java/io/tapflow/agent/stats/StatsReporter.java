package io.tapflow.agent.stats;

import io.tapflow.agent.decode.MalformedReason;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.meter.CycleListener;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterCounters;
import io.tapflow.schema.AgentStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * At the end of every flush cycle: the cycle's counter deltas as an {@link AgentStats} record to the sink, and a
 * fresh {@link StatsSnapshot} (cumulative) for the metrics endpoint and the exit summary. Listens to one meter; for
 * several capture threads, {@link CaptureThreadStats} feeds it the threads' totals.
 */
public final class StatsReporter implements CycleListener {
    private final AgentIdentity identity;
    private final FlowSink sink;
    private final LongSupplier captureDrops;
    private StatsSnapshot previous = StatsSnapshot.EMPTY;
    private FlowSink.SinkCounters previousSink = FlowSink.SinkCounters.NONE;
    private long previousCycleEndNs = Long.MIN_VALUE;
    private long previousTsMs = Long.MIN_VALUE;
    private volatile StatsSnapshot latest = StatsSnapshot.EMPTY;

    public StatsReporter(AgentIdentity identity, FlowSink sink, LongSupplier captureDrops) {
        this.identity = identity;
        this.sink = sink;
        this.captureDrops = captureDrops;
    }

    @Override
    public void cycleEnded(Meter meter, long captureTimeNs, boolean last) {
        report(totals(meter, captureDrops.getAsLong()), captureTimeNs);
    }

    /** The cumulative counters of one meter now. */
    static StatsSnapshot totals(Meter meter, long drops) {
        return new StatsSnapshot(meter.counters().snapshot(), meter.table().created(), meter.table().evicted(), meter.table().size(),
                meter.fragmentsUnmatched(), drops);
    }

    /** Emits the deltas from the last report to {@code now} (cumulative totals) as the cycle ending at {@code captureTimeNs}. */
    synchronized void report(StatsSnapshot now, long captureTimeNs) {
        MeterCounters c = now.counters();
        MeterCounters p = previous.counters();
        FlowSink.SinkCounters sinkNow = sink.counters();
        Map<String, Long> malformed = new LinkedHashMap<>();
        for (MalformedReason r : MalformedReason.values()) {
            long delta = c.malformed[r.ordinal()] - p.malformed[r.ordinal()];
            if (delta > 0) {
                malformed.put(r.label(), delta);
            }
        }
        long interval = previousCycleEndNs == Long.MIN_VALUE ? 0 : captureTimeNs - previousCycleEndNs;
        // records are identified by agent, start and ts_ms: two in the same millisecond would replace each other
        long tsMs = previousTsMs == Long.MIN_VALUE ? Math.floorDiv(captureTimeNs, 1_000_000L)
                : Math.max(Math.floorDiv(captureTimeNs, 1_000_000L), previousTsMs + 1);
        AgentStats stats = AgentStats.newBuilder()
                .setAgentId(identity.agentId())
                .setLinkId(identity.linkId())
                .setCaptureInterface(identity.captureInterface())
                .setAgentStartMs(identity.startMs())
                .setTsMs(tsMs)
                .setIntervalMs(Math.max(0, interval / 1_000_000L))
                .setPackets(c.packets - p.packets)
                .setBytes(c.bytes - p.bytes)
                .setMalformed(new LinkedHashMap<>(malformed))
                .setUnsupported(c.notIp - p.notIp)
                .setCaptureDrops(now.captureDrops() - previous.captureDrops())
                .setFlowsActive(now.flowsActive())
                .setFlowsCreated(now.flowsCreated() - previous.flowsCreated())
                .setFlowsExported(c.flowsExported - p.flowsExported)
                .setFlowsEvicted(now.flowsEvicted() - previous.flowsEvicted())
                .setSamples(c.samples - p.samples)
                .setKafkaSent(sinkNow.sent() - previousSink.sent())
                .setKafkaFailed(sinkNow.failed() - previousSink.failed())
                .setKafkaDropped(sinkNow.dropped() - previousSink.dropped())
                .build();
        sink.stats(stats);
        previous = now;
        previousSink = sinkNow;
        previousCycleEndNs = Math.max(captureTimeNs, previousCycleEndNs);
        previousTsMs = tsMs;
        latest = now;
    }

    public StatsSnapshot latest() {
        return latest;
    }
}
