package io.tapflow.agent.bench;

import io.tapflow.agent.classify.ClassifyRun;
import io.tapflow.agent.classify.ClassifyingSink;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Classification throughput on one thread over a set of captures, the way {@code tapflow classify} runs them
 * (decode, flow table, up to {@link ClassifyRun#PACKETS} payloads per direction of {@link ClassifyRun#BYTES} bytes
 * fed to each flow's classifier). Each measured run times two passes over every file by thread CPU time:
 * <ul>
 *   <li>full: read + decode + flow table + classification, comparable to what {@code ndpiReader} reports as its
 *       packet processing time;</li>
 *   <li>meter: the same meter with the same sampling settings into a sink that drops the samples;</li>
 * </ul>
 * the difference is what classification itself costs, reported as flows per second of one core.
 */
public final class ClassifyBenchmark {
    /** Small captures: a table this size never fills, and its allocation (untimed) stays cheap. */
    private static final int FLOW_CAPACITY = 1 << 16;

    /**
     * @param packets packets per pass over all files
     * @param bytes   their frame bytes
     * @param flows flows per pass (each ended flow gets one verdict)
     * @param fullCpuSeconds median CPU seconds of a full pass (meter + classification)
     * @param meterCpuSeconds median CPU seconds of a meter-only pass
     */
    public record Result(int files, long packets, long bytes, long flows, double fullCpuSeconds, double meterCpuSeconds) {
        public double packetsPerSecond() {
            return packets / fullCpuSeconds;
        }

        public double flowsPerSecond() {
            return flows / fullCpuSeconds;
        }

        /** Flows per second of CPU spent in classification alone (full minus meter-only). */
        public double classificationFlowsPerSecond() {
            return flows / Math.max(1e-9, fullCpuSeconds - meterCpuSeconds);
        }

        public String summary() {
            return String.format(Locale.ROOT,
                    "tapflow classify: %d files, %d packets, %d flows per pass; %.0f packets/s, %.0f flows/s, %.2f Gb/s "
                            + "per core (read+decode+flow+classify); classification alone %.0f flows/s per core "
                            + "(%.1f%% of the CPU time)",
                    files, packets, flows, packetsPerSecond(), flowsPerSecond(), bytes * 8 / fullCpuSeconds / 1e9,
                    classificationFlowsPerSecond(),
                    100 * (fullCpuSeconds - meterCpuSeconds) / fullCpuSeconds);
        }
    }

    private ClassifyBenchmark() {
    }

    public static Result run(List<Path> captures, ClassifierEngine engine, int warmupRuns, int measuredRuns, PrintStream out) {
        for (Path p : captures) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException(p + ": no such file or not readable");
            }
        }
        if (captures.isEmpty() || warmupRuns < 0 || measuredRuns < 1) {
            throw new IllegalArgumentException("need captures, warm-up runs >= 0 and measured runs >= 1");
        }
        MeterSettings d = MeterSettings.defaults();
        MeterSettings settings = new MeterSettings(FLOW_CAPACITY, d.idleTimeoutNs(), d.activeTimeoutNs(), d.flushIntervalNs(),
                d.closeGraceNs(), ClassifyRun.PACKETS, ClassifyRun.BYTES, d.fragmentEntries());
        double[] full = new double[measuredRuns];
        double[] meter = new double[measuredRuns];
        Pass last = null;
        for (int i = 0; i < warmupRuns + measuredRuns; i++) {
            Pass f = pass(captures, settings, engine, true);
            Pass m = pass(captures, settings, engine, false);
            if (f.packets != m.packets || f.flows != m.flows) {
                throw new IllegalStateException("passes disagree: " + f + " vs " + m);
            }
            boolean warmup = i < warmupRuns;
            if (out != null) {
                out.printf(Locale.ROOT, "run %d%s: %d packets, %d flows; full %.3f s CPU, meter only %.3f s CPU%n",
                        i + 1, warmup ? " (warm-up)" : "", f.packets, f.flows, f.cpuSeconds, m.cpuSeconds);
            }
            if (!warmup) {
                full[i - warmupRuns] = f.cpuSeconds;
                meter[i - warmupRuns] = m.cpuSeconds;
            }
            last = f;
        }
        Result r = new Result(captures.size(), last.packets, last.bytes, last.flows, median(full), median(meter));
        if (out != null) {
            out.println(r.summary());
        }
        return r;
    }

    private record Pass(long packets, long bytes, long flows, double cpuSeconds) {
    }

    private static Pass pass(List<Path> captures, MeterSettings settings, ClassifierEngine engine, boolean classify) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long packets = 0;
        long bytes = 0;
        FlowCounter counter = new FlowCounter();
        long cpu = 0;
        for (Path capture : captures) {
            FlowSink sink;
            if (classify) {
                ClassifyingSink c = new ClassifyingSink(engine);
                c.downstream(counter);
                sink = c;
            } else {
                sink = counter;
            }
            Meter meter = new Meter(settings, sink, (m, ts, lastCycle) -> { });
            CaptureReplay replay = new CaptureReplay(meter, 0, () -> false);
            long cpu0 = threads.getCurrentThreadCpuTime();
            CaptureReplay.Result r = replay.run(List.of(capture));
            meter.finish(EndReason.END_OF_INPUT);
            cpu += threads.getCurrentThreadCpuTime() - cpu0;
            packets += r.frames();
            bytes += meter.counters().bytes;
        }
        return new Pass(packets, bytes, counter.flows, cpu / 1e9);
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Counts ended flows; drops samples (the meter-only pass). */
    private static final class FlowCounter implements FlowSink {
        long flows;

        @Override
        public void flow(FlowTable table, int slot, EndReason reason) {
            flows++;
        }

        @Override
        public void sample(FlowTable table, int slot, int direction, int packetIndex, long tsNs,
                           MemorySegment data, long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
        }

        @Override
        public void stats(AgentStats stats) {
        }

        @Override
        public void close() {
        }
    }
}
