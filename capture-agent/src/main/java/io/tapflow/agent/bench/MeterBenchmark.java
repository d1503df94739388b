package io.tapflow.agent.bench;

import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.export.KafkaSink;
import io.tapflow.agent.export.NullSink;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.Topics;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Single-thread throughput of the capture hot path on a capture file: read (mapped pcap) + decode + flow table, as
 * {@code N.NN Mpps}. Every run builds a fresh {@link Meter} (its table allocation is not timed), replays the whole
 * file at full speed through {@link CaptureReplay} and ends every flow ({@link Meter#finish}); both are timed. Idle
 * and active timeouts are set so long that no flow ends mid-run; the flush interval and payload sampling stay at
 * their defaults, so the periodic sweeps and the sampling decisions are part of the figure.
 *
 * <pre>
 * MeterBenchmark.Result r = MeterBenchmark.run(Path.of("trace.pcap"), 0, 1, 3, System.out);
 * </pre>
 */
public final class MeterBenchmark {
    public static final int DEFAULT_FLOW_CAPACITY = 1 << 21;
    public static final int DEFAULT_WARMUP_RUNS = 1;
    public static final int DEFAULT_MEASURED_RUNS = 3;
    /** Long enough that nothing expires in any trace (73 years of capture time). */
    private static final long NEVER_NS = Long.MAX_VALUE / 4;

    /**
     * @param runSeconds wall time of each measured run
     * @param runCpuSeconds CPU time of the metering thread in each measured run: on a shared machine, wall time also
     *                      counts the time the thread waited for a CPU
     * @param cpuMedianMpps the median rate by CPU time
     * @param flows flows in the table at the end of the last run (the trace's distinct flows unless some were evicted)
     * @param flowCapacity the table's capacity
     * @param tableBytes {@code FlowTable.memoryBytes()}
     * @param evicted flows evicted from a full table in the last run (0 when the capacity suffices)
     * @param sink what the sink reports over the measured runs (zeros for the null sink)
     */
    public record Result(String label, long packets, List<Double> runSeconds, List<Double> runCpuSeconds, double bestMpps,
                         double medianMpps, double cpuMedianMpps, int flows, int flowCapacity, long tableBytes, long evicted, FlowSink.SinkCounters sink) {
        /** Flow-table memory per flow of capacity. */
        public double bytesPerFlow() {
            return (double) tableBytes / flowCapacity;
        }

        public String summary() {
            String line = String.format(Locale.ROOT,
                    "%s: %.2f Mpps (median of %d, best %.2f) %d packets, %d flows, flow table %.1f bytes/flow",
                    label, medianMpps, runSeconds.size(), bestMpps, packets, flows, bytesPerFlow());
            if (cpuMedianMpps > 1.02 * medianMpps) {
                line += String.format(Locale.ROOT, " (%.2f Mpps by thread CPU time: the CPU is shared)", cpuMedianMpps);
            }
            if (evicted > 0) {
                line += String.format(Locale.ROOT, " (capacity %d: %d flows evicted)", flowCapacity, evicted);
            }
            if (sink != FlowSink.SinkCounters.NONE) {
                line += String.format(Locale.ROOT, ", kafka sent %d, failed %d, dropped %d",
                        sink.sent(), sink.failed(), sink.dropped());
            }
            return line;
        }
    }

    private MeterBenchmark() {
    }

    /**
     * Meters {@code trace} with a {@link NullSink}.
     *
     * @param flowCapacity flow table capacity, rounded up to a power of two; 0 for {@link #DEFAULT_FLOW_CAPACITY}
     * @param out where the run lines and the summary go (null: nowhere)
     */
    public static Result run(Path trace, int flowCapacity, int warmupRuns, int measuredRuns, PrintStream out) {
        return run(trace, flowCapacity, warmupRuns, measuredRuns, null, out);
    }

    /** {@link #run(Path, int, int, int, PrintStream)} with {@code matcher} (null: none) scanning every payload sample. */
    public static Result run(Path trace, int flowCapacity, int warmupRuns, int measuredRuns, PatternMatcher matcher,
                             PrintStream out) {
        return measure(matcher == null ? "meter" : "meter+" + matcher.engine().configName(), trace, flowCapacity, warmupRuns,
                measuredRuns, out, NullSink::new, matcher);
    }

    /**
     * Meters {@code trace} into a {@link KafkaSink} on {@code bootstrap} (default topics, 1M-record outbox): same
     * figures, plus what the sink sent, failed and dropped over the measured runs. Each run opens its own sink and
     * closes it (waiting up to 30 s for acknowledgements) after the timer stops.
     */
    public static Result withKafka(String bootstrap, Path trace, int flowCapacity, int warmupRuns, int measuredRuns,
                                   PrintStream out) {
        AgentIdentity identity = new AgentIdentity("bench", "bench", System.currentTimeMillis());
        KafkaSink.KafkaTopics topics = new KafkaSink.KafkaTopics(Topics.FLOWS, Topics.PAYLOAD, Topics.AGENT_STATS);
        return measure("meter+kafka", trace, flowCapacity, warmupRuns, measuredRuns, out,
                () -> new KafkaSink(Map.of(), bootstrap, topics, identity, 1 << 20, Duration.ofMinutes(2), Duration.ofSeconds(30)), null);
    }

    /** The power of two at or above {@code flows}: the smallest table that holds them all. */
    public static int capacityFor(int flows) {
        if (flows < 1 || flows > 1 << 29) {
            throw new IllegalArgumentException("flow capacity must be between 1 and " + (1 << 29) + ": " + flows);
        }
        return flows == 1 ? 1 : Integer.highestOneBit(flows - 1) << 1;
    }

    private static Result measure(String label, Path trace, int flowCapacity, int warmupRuns, int measuredRuns,
                                  PrintStream out, Supplier<FlowSink> sinks, PatternMatcher matcher) {
        if (!Files.isReadable(trace)) {
            throw new IllegalArgumentException(trace + ": no such file or not readable");
        }
        if (warmupRuns < 0 || measuredRuns < 1) {
            throw new IllegalArgumentException("need warm-up runs >= 0 and measured runs >= 1: " + warmupRuns + ", " + measuredRuns);
        }
        int capacity = flowCapacity == 0 ? DEFAULT_FLOW_CAPACITY : capacityFor(flowCapacity);
        MeterSettings defaults = MeterSettings.defaults();
        MeterSettings settings = new MeterSettings(capacity, NEVER_NS, NEVER_NS, defaults.flushIntervalNs(),
                defaults.closeGraceNs(), defaults.samplePacketsPerDirection(), defaults.sampleBytes(), defaults.fragmentEntries());
        List<Double> seconds = new ArrayList<>();
        List<Double> cpuSeconds = new ArrayList<>();
        long packets = 0;
        Run last = null;
        long sent = 0;
        long failed = 0;
        long dropped = 0;
        for (int i = 0; i < warmupRuns + measuredRuns; i++) {
            boolean warmup = i < warmupRuns;
            last = once(trace, settings, sinks.get(), matcher);
            packets = last.packets;
            if (out != null) {
                out.printf(Locale.ROOT, "%s run %d%s: %d packets in %.3f s = %.2f Mpps (CPU %.3f s = %.2f Mpps)%n", label, i + 1,
                        warmup ? " (warm-up)" : "", last.packets, last.seconds, last.packets / last.seconds / 1e6,
                        last.cpuSeconds, last.packets / last.cpuSeconds / 1e6);
            }
            if (!warmup) {
                seconds.add(last.seconds);
                cpuSeconds.add(last.cpuSeconds);
                sent += last.sink.sent();
                failed += last.sink.failed();
                dropped += last.sink.dropped();
            }
        }
        double[] mpps = rates(packets, seconds);
        double[] cpuMpps = rates(packets, cpuSeconds);
        FlowSink.SinkCounters sink = last.sink == FlowSink.SinkCounters.NONE ? FlowSink.SinkCounters.NONE
                : new FlowSink.SinkCounters(sent, failed, dropped);
        Result result = new Result(label, packets, List.copyOf(seconds), List.copyOf(cpuSeconds), mpps[mpps.length - 1],
                median(mpps), median(cpuMpps), last.flows, capacity, last.tableBytes, last.evicted, sink);
        if (out != null) {
            out.println(result.summary());
        }
        return result;
    }

    /** Sorted rates in Mpps. */
    private static double[] rates(long packets, List<Double> seconds) {
        double[] mpps = new double[seconds.size()];
        for (int i = 0; i < mpps.length; i++) {
            mpps[i] = packets / seconds.get(i) / 1e6;
        }
        Arrays.sort(mpps);
        return mpps;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private record Run(long packets, double seconds, double cpuSeconds, int flows, long tableBytes, long evicted,
                       FlowSink.SinkCounters sink) {
    }

    private static Run once(Path trace, MeterSettings settings, FlowSink sink, PatternMatcher matcher) {
        Meter meter;
        CaptureReplay.Result r;
        int flows;
        long elapsed;
        long cpu;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            meter = new Meter(settings, sink, (m, ts, lastCycle) -> { }, matcher);
            CaptureReplay replay = new CaptureReplay(meter, 0, () -> false);
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            r = replay.run(List.of(trace));
            flows = meter.table().size();
            meter.finish(EndReason.END_OF_INPUT);
            elapsed = System.nanoTime() - t0;
            cpu = threads.getCurrentThreadCpuTime() - cpu0;
        } finally {
            sink.close(); // after the timer: waiting for Kafka acknowledgements is not metering
        }
        if (!r.ok()) {
            throw new IllegalStateException("benchmark trace is not clean: " + r.errors());
        }
        return new Run(r.frames(), elapsed / 1e9, cpu / 1e9, flows, meter.table().memoryBytes(), meter.table().evicted(), sink.counters());
    }
}
