package io.tapflow.agent.bench;

import java.nio.file.Path;

/**
 * Runs the benchmark without the CLI (from the test classpath):
 * <pre>
 * gen OUT PACKETS FLOWS [zipf|uniform] [64|imix] [seed]
 * meter TRACE [capacity [warmup [runs]]]
 * kafka BOOTSTRAP TRACE [capacity [warmup [runs]]]
 * </pre>
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "gen" -> {
                var spec = TraceGenerator.TraceSpec.of(Long.parseLong(args[2]), Integer.parseInt(args[3]));
                if (args.length > 4) {
                    spec = spec.withPopularity(TraceGenerator.Popularity.valueOf(args[4].toUpperCase()), 1.0);
                }
                if (args.length > 5) {
                    spec = spec.withFrameSize(args[5].equals("imix") ? TraceGenerator.FrameSize.IMIX : TraceGenerator.FrameSize.FIXED_64);
                }
                if (args.length > 6) {
                    spec = spec.withSeed(Long.parseLong(args[6]));
                }
                System.out.println(TraceGenerator.generate(spec, Path.of(args[1])).summary());
            }
            case "meter" -> MeterBenchmark.run(Path.of(args[1]), intArg(args, 2, 0), intArg(args, 3, 1), intArg(args, 4, 3), System.out);
            case "kafka" -> MeterBenchmark.withKafka(args[1], Path.of(args[2]), intArg(args, 3, 0), intArg(args, 4, 1),
                    intArg(args, 5, 3), System.out);
            default -> throw new IllegalArgumentException("gen, meter or kafka: " + args[0]);
        }
    }

    private static int intArg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }
}
