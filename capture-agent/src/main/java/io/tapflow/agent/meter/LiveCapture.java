package io.tapflow.agent.meter;

import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.PacketSource;
import io.tapflow.schema.EndReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture threads of a live agent: one per source, each with its own meter (and so its own flow table), on the
 * frames' kernel timestamps. When a source's poll times out the meter's clock moves to the wall clock, so flows still
 * expire on a quiet link. On stop each thread meters what the kernel already captured, flushes every flow
 * ({@code SHUTDOWN}) and closes its source; {@link #awaitEnd()} returns when all have.
 */
public final class LiveCapture {
    private static final Logger LOG = LoggerFactory.getLogger(LiveCapture.class);
    /** At stop, how long to keep reading frames the kernel captured before the stop. */
    private static final long DRAIN_NS = 1_000_000_000L;

    public record Result(long drops, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final List<PacketSource> sources;
    private final List<Meter> meters;
    private final BooleanSupplier stop;
    private final List<Thread> threads = new ArrayList<>();
    private final long[] drops;
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger running = new AtomicInteger();

    /** @param sources opened, one per thread; closed by their thread at the end */
    public LiveCapture(List<PacketSource> sources, List<Meter> meters, BooleanSupplier stop) {
        if (sources.size() != meters.size() || sources.isEmpty()) {
            throw new IllegalArgumentException("one meter per source: " + sources.size() + " sources, " + meters.size() + " meters");
        }
        this.sources = List.copyOf(sources);
        this.meters = List.copyOf(meters);
        this.stop = stop;
        this.drops = new long[sources.size()];
    }

    public void start() {
        for (int i = 0; i < sources.size(); i++) {
            int worker = i;
            Thread t = Thread.ofPlatform().name("capture-" + i).unstarted(() -> run(worker));
            threads.add(t);
            running.incrementAndGet();
        }
        threads.forEach(Thread::start);
    }

    /** True while every capture thread is running (for the health endpoint). */
    public boolean healthy() {
        return running.get() == sources.size() && errors.isEmpty();
    }

    public Result awaitEnd() throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
        long total = 0;
        for (long d : drops) {
            total += d;
        }
        return new Result(total, List.copyOf(errors));
    }

    private void run(int worker) {
        PacketSource source = sources.get(worker);
        Meter meter = meters.get(worker);
        FrameBatch batch = new FrameBatch();
        try {
            while (!stop.getAsBoolean()) {
                if (source.nextBatch(batch) > 0) {
                    meter.process(batch);
                } else {
                    meter.tick(wallClockNanos());
                }
            }
            long deadline = System.nanoTime() + DRAIN_NS;
            while (System.nanoTime() < deadline && source.nextBatch(batch) > 0) {
                meter.process(batch);
            }
        } catch (RuntimeException | Error e) {
            errors.add(source.name() + " (capture thread " + worker + "): " + e);
            LOG.error("capture thread {} on {} failed; its flows are flushed", worker, source.name(), e);
        } finally {
            running.decrementAndGet();
            try {
                meter.finish(EndReason.SHUTDOWN);
                drops[worker] = source.drops();
            } finally {
                source.close();
            }
        }
    }

    private static long wallClockNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }
}
