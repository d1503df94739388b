package io.tapflow.agent.stats;

import io.tapflow.agent.meter.CycleListener;
import io.tapflow.agent.meter.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * One {@code AgentStats} record per flush cycle for an agent with several capture threads. Records are identified by
 * agent, start and cycle end; one record per thread would collide whenever two threads end a cycle in the same
 * millisecond. So each thread publishes its own totals at the end of its cycles, the first thread's cycles set the
 * pace (it also ticks on a quiet link), and each of its cycle ends reports the sum of what every thread published
 * (the others' totals lag by at most one cycle). When the last thread finishes, the final record brings the sums up
 * to the threads' final totals, so the records of a run add up exactly.
 */
public final class CaptureThreadStats {
    private final StatsReporter reporter;
    private final AtomicReferenceArray<StatsSnapshot> published;
    private final AtomicInteger running;
    private final List<CycleListener> listeners = new ArrayList<>();

    /** @param drops each thread's capture drops so far (its source), read on that thread */
    public CaptureThreadStats(StatsReporter reporter, List<LongSupplier> drops) {
        this.reporter = reporter;
        this.published = new AtomicReferenceArray<>(drops.size());
        this.running = new AtomicInteger(drops.size());
        for (int i = 0; i < drops.size(); i++) {
            published.set(i, StatsSnapshot.EMPTY);
            int thread = i;
            LongSupplier threadDrops = drops.get(i);
            listeners.add((meter, ts, last) -> cycleEnded(thread, meter, ts, last, threadDrops.getAsLong()));
        }
    }

    /** The listener for capture thread {@code i}'s meter. */
    public CycleListener listener(int i) {
        return listeners.get(i);
    }

    private void cycleEnded(int thread, Meter meter, long captureTimeNs, boolean last, long drops) {
        published.set(thread, StatsReporter.totals(meter, drops));
        if (last) {
            if (running.decrementAndGet() == 0) {
                reporter.report(sum(), captureTimeNs);
            }
        } else if (thread == 0) {
            reporter.report(sum(), captureTimeNs);
        }
    }

    private StatsSnapshot sum() {
        List<StatsSnapshot> all = new ArrayList<>(published.length());
        for (int i = 0; i < published.length(); i++) {
            all.add(published.get(i));
        }
        return StatsSnapshot.sum(all);
    }

    /** The totals as of the last record (for the metrics endpoint). */
    public StatsSnapshot latest() {
        return reporter.latest();
    }
}
