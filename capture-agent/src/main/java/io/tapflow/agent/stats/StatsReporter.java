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
 * fresh {@link StatsSnapshot} (cumulative) for the metrics endpoint and the exit summary.
 */
public final class StatsReporter implements CycleListener {
    private final AgentIdentity identity;
    private final FlowSink sink;
    private final LongSupplier captureDrops;
    private MeterCounters previous = new MeterCounters();
    private long previousCreated;
    private long previousEvicted;
    private long previousDrops;
    private FlowSink.SinkCounters previousSink = FlowSink.SinkCounters.NONE;
    private long previousCycleEndNs = Long.MIN_VALUE;
    private volatile StatsSnapshot latest = StatsSnapshot.EMPTY;

    public StatsReporter(AgentIdentity identity, FlowSink sink, LongSupplier captureDrops) {
        this.identity = identity;
        this.sink = sink;
        this.captureDrops = captureDrops;
    }

    @Override
    public void cycleEnded(Meter meter, long captureTimeNs, boolean last) {
        MeterCounters now = meter.counters().snapshot();
        FlowSink.SinkCounters sinkNow = sink.counters();
        long created = meter.table().created();
        long evicted = meter.table().evicted();
        Map<String, Long> malformed = new LinkedHashMap<>();
        for (MalformedReason r : MalformedReason.values()) {
            long delta = now.malformed[r.ordinal()] - previous.malformed[r.ordinal()];
            if (delta > 0) {
                malformed.put(r.label(), delta);
            }
        }
        long drops = captureDrops.getAsLong();
        long interval = previousCycleEndNs == Long.MIN_VALUE ? 0 : captureTimeNs - previousCycleEndNs;
        AgentStats stats = AgentStats.newBuilder()
                .setAgentId(identity.agentId())
                .setLinkId(identity.linkId())
                .setAgentStartMs(identity.startMs())
                .setTsMs(Math.floorDiv(captureTimeNs, 1_000_000L))
                .setIntervalMs(Math.max(0, interval / 1_000_000L))
                .setPackets(now.packets - previous.packets)
                .setBytes(now.bytes - previous.bytes)
                .setMalformed(new LinkedHashMap<>(malformed))
                .setUnsupported(now.notIp - previous.notIp)
                .setCaptureDrops(drops - previousDrops)
                .setFlowsActive(meter.table().size())
                .setFlowsCreated(created - previousCreated)
                .setFlowsExported(now.flowsExported - previous.flowsExported)
                .setFlowsEvicted(evicted - previousEvicted)
                .setSamples(now.samples - previous.samples)
                .setKafkaSent(sinkNow.sent() - previousSink.sent())
                .setKafkaFailed(sinkNow.failed() - previousSink.failed())
                .setKafkaDropped(sinkNow.dropped() - previousSink.dropped())
                .build();
        sink.stats(stats);
        previous = now;
        previousCreated = created;
        previousEvicted = evicted;
        previousDrops = drops;
        previousSink = sinkNow;
        previousCycleEndNs = captureTimeNs;
        latest = new StatsSnapshot(now, created, evicted, meter.table().size(), meter.fragmentsUnmatched(), drops);
    }

    public StatsSnapshot latest() {
        return latest;
    }
}
