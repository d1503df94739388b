package io.tapflow.agent.stats;

import io.tapflow.agent.meter.MeterCounters;

/** Cumulative counters as of the last flush cycle; immutable, safe to read from any thread. */
public record StatsSnapshot(MeterCounters counters, long flowsCreated, long flowsEvicted, long flowsActive,
                            long fragmentsUnmatched, long captureDrops) {
    public static final StatsSnapshot EMPTY = new StatsSnapshot(new MeterCounters(), 0, 0, 0, 0, 0);
}
