package io.tapflow.agent.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The meter beside two floors on one trace, in one sitting: {@link MeterBenchmark} (the real hot path), {@link MeterFloor}
 * (the least per-frame work, in Java) and {@code meter_floor.c} (the same loop in C, when the machine has a C
 * compiler). The floors say what a rate goal asks of the machine: a goal above the Java floor cannot be met by any
 * Java meter doing at least that work, and one above the C floor by no meter at all.
 */
public final class MeterFloorBenchmark {
    /** Rates of one contender, in Mpps, with the counts of its last run. */
    public record Figures(String label, double medianMpps, double bestMpps, int runs, long frames, long accounted, long skipped,
                          int flows) {
        String summary() {
            return String.format(Locale.ROOT, "%s: %.2f Mpps (median of %d, best %.2f) %d frames, %d accounted, %d skipped, %d flows",
                    label, medianMpps, runs, bestMpps, frames, accounted, skipped, flows);
        }
    }

    /** @param cFloor empty when the machine has no C compiler */
    public record Result(Figures meter, Figures javaFloor, Optional<Figures> cFloor) {
    }

    private MeterFloorBenchmark() {
    }

    /** @param flowCapacity a power of two, for the meter and both floors */
    public static Result run(Path trace, int flowCapacity, int warmupRuns, int measuredRuns, PrintStream out) {
        MeterBenchmark.Result m = MeterBenchmark.run(trace, flowCapacity, warmupRuns, measuredRuns, out);
        Figures meter = new Figures("meter", m.medianMpps(), m.bestMpps(), measuredRuns, m.packets(), m.packets(), 0, m.flows());

        MeterFloor floor = new MeterFloor(flowCapacity);
        List<MeterFloor.Run> javaRuns = new ArrayList<>();
        for (int i = 0; i < warmupRuns + measuredRuns; i++) {
            MeterFloor.Run r = floor.run(trace);
            print(out, "floor-java", i + 1, i < warmupRuns, r);
            if (i >= warmupRuns) {
                javaRuns.add(r);
            }
        }
        Figures javaFloor = figures("floor-java", javaRuns);

        Optional<Figures> cFloor;
        Path dir = tempDir();
        try {
            StringBuilder why = new StringBuilder();
            Optional<NativeMeterFloor> c = NativeMeterFloor.compile(dir, why);
            if (c.isEmpty() && out != null) {
                out.println("floor-c: not measured: " + why);
            }
            cFloor = c.map(floorC -> {
                List<MeterFloor.Run> runs = floorC.run(trace, measuredRuns, flowCapacity);
                for (int i = 0; i < runs.size(); i++) {
                    print(out, "floor-c", i + 1, false, runs.get(i));
                }
                return figures("floor-c", runs);
            });
        } finally {
            delete(dir);
        }
        if (out != null) {
            out.println(meter.summary());
            out.println(javaFloor.summary());
            cFloor.ifPresent(f -> out.println(f.summary()));
            out.printf(Locale.ROOT, "meter at %.0f %% of the Java floor%s%n", 100 * meter.medianMpps() / javaFloor.medianMpps(),
                    cFloor.map(f -> String.format(Locale.ROOT, "; Java floor at %.0f %% of the C floor",
                            100 * javaFloor.medianMpps() / f.medianMpps())).orElse(""));
        }
        return new Result(meter, javaFloor, cFloor);
    }

    private static void print(PrintStream out, String label, int run, boolean warmup, MeterFloor.Run r) {
        if (out != null) {
            out.printf(Locale.ROOT, "%s run %d%s: %d frames in %.3f s = %.2f Mpps (%d flows)%n", label, run,
                    warmup ? " (warm-up)" : "", r.frames(), r.seconds(), r.frames() / r.seconds() / 1e6, r.flows());
        }
    }

    private static Figures figures(String label, List<MeterFloor.Run> runs) {
        double[] mpps = runs.stream().mapToDouble(r -> r.frames() / r.seconds() / 1e6).sorted().toArray();
        int n = mpps.length;
        double median = n % 2 == 1 ? mpps[n / 2] : (mpps[n / 2 - 1] + mpps[n / 2]) / 2;
        MeterFloor.Run last = runs.getLast();
        return new Figures(label, median, mpps[n - 1], n, last.frames(), last.accounted(), last.skipped(), last.flows());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("tapflow-floor");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
