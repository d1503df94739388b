package io.tapflow.agent.stats;

import io.tapflow.agent.meter.MeterCounters;

/** Cumulative counters as of the last flush cycle; immutable, safe to read from any thread. */
public record StatsSnapshot(MeterCounters counters, long flowsCreated, long flowsEvicted, long flowsActive,
                            long fragmentsUnmatched, long captureDrops) {
    public static final StatsSnapshot EMPTY = new StatsSnapshot(new MeterCounters(), 0, 0, 0, 0, 0);

    /** The agent's totals over its capture threads' snapshots. */
    public static StatsSnapshot sum(java.util.List<StatsSnapshot> snapshots) {
        MeterCounters c = new MeterCounters();
        long created = 0;
        long evicted = 0;
        long active = 0;
        long unmatched = 0;
        long drops = 0;
        for (StatsSnapshot s : snapshots) {
            c.add(s.counters());
            created += s.flowsCreated();
            evicted += s.flowsEvicted();
            active += s.flowsActive();
            unmatched += s.fragmentsUnmatched();
            drops += s.captureDrops();
        }
        return new StatsSnapshot(c, created, evicted, active, unmatched, drops);
    }
}
