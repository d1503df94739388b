package io.tapflow.agent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code meter_floor.c}, the {@link MeterFloor} loop in C, compiled with the machine's C compiler ({@code $CC}, else
 * {@code cc}) at {@code -O2 -march=native} and run as a child process: what this machine allows any code.
 */
final class NativeMeterFloor {
    private static final String SOURCE = "meter_floor.c";
    private static final Pattern RUN = Pattern.compile(
            "run \\d+: (\\d+) frames, (\\d+) accounted, (\\d+) skipped, (\\d+) flows, ([0-9.]+) s\\s*");

    private final Path binary;

    private NativeMeterFloor(Path binary) {
        this.binary = binary;
    }

    /**
     * Compiles the bundled source into {@code dir}.
     *
     * @return empty when there is no C compiler; {@code why} then holds the reason
     */
    static Optional<NativeMeterFloor> compile(Path dir, StringBuilder why) {
        String cc = System.getenv().getOrDefault("CC", "cc");
        try (InputStream in = NativeMeterFloor.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SOURCE + " is missing from the agent's jar");
            }
            Path source = dir.resolve(SOURCE);
            Files.copy(in, source);
            Path binary = dir.resolve("meter_floor");
            List<String> command = List.of(cc, "-O2", "-march=native", "-o", binary.toString(), source.toString());
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                why.append("no C compiler (").append(cc).append("): ").append(e.getMessage());
                return Optional.empty();
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
            return Optional.of(new NativeMeterFloor(binary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling " + SOURCE, e);
        }
    }

    /** One warm-up pass, then {@code runs} measured ones. */
    List<MeterFloor.Run> run(Path trace, int runs, int capacity) {
        List<String> command = List.of(binary.toString(), trace.toString(), Integer.toString(runs), Integer.toString(capacity));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("C floor failed on " + trace + ": " + output.strip());
            }
            List<MeterFloor.Run> result = new ArrayList<>();
            for (String line : output.split("\n")) {
                Matcher m = RUN.matcher(line);
                if (m.matches()) {
                    result.add(new MeterFloor.Run(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                            Integer.parseInt(m.group(4)), Double.parseDouble(m.group(5))));
                }
            }
            if (result.size() != runs) {
                throw new IllegalStateException("C floor printed " + result.size() + " of " + runs + " runs: " + output.strip());
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the C floor", e);
        }
    }
}
