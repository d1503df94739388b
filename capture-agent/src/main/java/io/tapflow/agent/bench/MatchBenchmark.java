package io.tapflow.agent.bench;

import io.tapflow.classifier.match.MatchSink;
import io.tapflow.classifier.match.MatcherEngine;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.match.PatternScanner;
import io.tapflow.classifier.match.SignatureSet;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Single-thread throughput of a pattern engine over real payloads: every payload of {@link CapturePayloads} scanned
 * in capture order, one scan call per payload as the meter makes per sample (from a byte array, or in place in native
 * memory for an engine that reads it, as the meter does on a mapped file or ring), passes repeated for a warm-up and then
 * for the measured time. Figures are by the scanning thread's CPU time: GB/s of payload per core, payloads and
 * matches per second. Every pass must report the same number of matches, and every engine the same as the others.
 *
 * <pre>
 * MatchBenchmark.Result r = MatchBenchmark.run(payloads, set, MatcherEngine.HYPERSCAN, 2.0, 5.0, System.out);
 * </pre>
 */
public final class MatchBenchmark {
    /**
     * @param passCpuSeconds CPU time of each measured pass over all payloads
     * @param matchesPerPass (id, position) reports per pass
     */
    public record Result(String engine, int payloads, long bytesPerPass, long matchesPerPass, List<Double> passCpuSeconds,
                         double medianGBps, double bestGBps, double wallGBps) {
        public double medianPayloadsPerSecond() {
            return payloads * medianGBps * 1e9 / bytesPerPass;
        }

        public double medianMatchesPerSecond() {
            return matchesPerPass * medianGBps * 1e9 / bytesPerPass;
        }

        public String summary() {
            return String.format(Locale.ROOT,
                    "match %s: %.3f GB/s per core (median of %d passes, best %.3f; wall %.3f), %.2f M payloads/s, %.2f M matches/s;"
                            + " %d payloads, %.1f MB, %d matches per pass",
                    engine, medianGBps, passCpuSeconds.size(), bestGBps, wallGBps, medianPayloadsPerSecond() / 1e6,
                    medianMatchesPerSecond() / 1e6, payloads, bytesPerPass / 1e6, matchesPerPass);
        }
    }

    private MatchBenchmark() {
    }

    /** Counts matches; the count keeps the JIT from dropping the scans. */
    private static final class Counter implements MatchSink {
        long matches;

        @Override
        public void match(int signatureId, int position) {
            matches++;
        }
    }

    public static Result run(CapturePayloads payloads, SignatureSet set, MatcherEngine engine, double warmupSeconds,
                             double seconds, PrintStream out) {
        if (engine == MatcherEngine.NONE) {
            throw new IllegalArgumentException("benchmark an engine: aho-corasick or hyperscan");
        }
        if (payloads.count() == 0) {
            throw new IllegalArgumentException("no payload-bearing packets in the captures");
        }
        try (PatternMatcher matcher = engine.compile(set); PatternScanner scanner = matcher.newScanner();
             Arena arena = Arena.ofConfined()) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long bytes = payloads.bytes();
            Counter counter = new Counter();
            long base = 0;
            if (scanner.scansNativeMemory()) {
                MemorySegment copy = arena.allocate(Math.max(1, payloads.data().length));
                MemorySegment.copy(MemorySegment.ofArray(payloads.data()), 0, copy, 0, payloads.data().length);
                base = copy.address();
            }
            long expected = pass(payloads, scanner, base, counter);
            long warmupEnd = threads.getCurrentThreadCpuTime() + (long) (warmupSeconds * 1e9);
            while (threads.getCurrentThreadCpuTime() < warmupEnd) {
                check(expected, pass(payloads, scanner, base, counter), engine);
            }
            List<Double> cpu = new ArrayList<>();
            long measureEnd = threads.getCurrentThreadCpuTime() + (long) (seconds * 1e9);
            long wall0 = System.nanoTime();
            do {
                long c0 = threads.getCurrentThreadCpuTime();
                long found = pass(payloads, scanner, base, counter);
                cpu.add((threads.getCurrentThreadCpuTime() - c0) / 1e9);
                check(expected, found, engine);
            } while (threads.getCurrentThreadCpuTime() < measureEnd || cpu.size() < 3);
            double wallSeconds = (System.nanoTime() - wall0) / 1e9;
            double[] rates = new double[cpu.size()];
            for (int i = 0; i < rates.length; i++) {
                rates[i] = bytes / cpu.get(i) / 1e9;
            }
            Arrays.sort(rates);
            double median = rates.length % 2 == 1 ? rates[rates.length / 2] : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
            Result r = new Result(engine.configName(), payloads.count(), bytes, expected, List.copyOf(cpu), median,
                    rates[rates.length - 1], bytes * cpu.size() / wallSeconds / 1e9);
            if (out != null) {
                out.println(r.summary());
            }
            return r;
        }
    }

    /** @param base the payloads' copy in native memory, or 0 to scan the byte array */
    private static long pass(CapturePayloads p, PatternScanner scanner, long base, Counter counter) {
        long before = counter.matches;
        byte[] data = p.data();
        int[] offsets = p.offsets();
        int[] lengths = p.lengths();
        int[] protos = p.l4protos();
        if (base != 0) {
            for (int i = 0; i < offsets.length; i++) {
                scanner.scanNative(base + offsets[i], lengths[i], protos[i], counter);
            }
        } else {
            for (int i = 0; i < offsets.length; i++) {
                scanner.scan(data, offsets[i], lengths[i], protos[i], counter);
            }
        }
        return counter.matches - before;
    }

    private static void check(long expected, long found, MatcherEngine engine) {
        if (found != expected) {
            throw new IllegalStateException(engine.configName() + " reported " + found + " matches in a pass, " + expected + " in the first");
        }
    }
}
