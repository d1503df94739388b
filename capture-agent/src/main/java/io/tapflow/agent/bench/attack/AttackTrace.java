package io.tapflow.agent.bench.attack;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a labelled attack trace: real background traffic (captures replayed on one timeline) with injected attacks,
 * as one classic pcap (Ethernet, µs), plus a JSON-lines labels file, one {@link Label} per attack instance. The same
 * {@link Spec} always gives the same bytes.
 *
 * <p>The timeline starts at {@link Spec#start()}: {@code warmup} of background alone, then each group's instances
 * start spread evenly (with jitter) over {@code spread}, then the longest instance runs out, then {@code tail}. Each
 * background capture is replayed from a random phase every {@code backgroundEvery} until the end, repeat {@code r}
 * on addresses moved by {@link AddressShift} (unless {@code shiftRepeats} is off); packets past the end are left out.
 *
 * <pre>
 * AttackTrace.Result r = AttackTrace.generate(spec, Path.of("attacks.pcap"), Path.of("attacks.labels.jsonl"));
 * </pre>
 */
public final class AttackTrace {
    private static final int MAX_FRAME = 65_536;
    /** Packets are sorted by (time since the start << 24 | packet number): 39 bits of microseconds. */
    static final long MAX_SPAN_US = 1L << 39;

    /**
     * What to generate.
     *
     * @param background      captures replayed as background (none: attacks only)
     * @param backgroundEvery how often each background capture starts again
     * @param shiftRepeats    move each repeat onto addresses of its own, so repeats do not merge into busier hosts
     */
    public record Spec(List<AttackGroup> groups, List<Path> background, Duration backgroundEvery, boolean shiftRepeats,
                       long seed, Instant start, Duration warmup, Duration spread, Duration tail) {
        public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

        public Spec {
            groups = List.copyOf(groups);
            background = List.copyOf(background);
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("at least one attack group is required");
            }
            if (backgroundEvery.toMillis() < 1 || warmup.isNegative() || spread.isNegative() || tail.isNegative()) {
                throw new IllegalArgumentException("background period must be at least 1 ms, warm-up, spread and tail"
                        + " not negative, got " + backgroundEvery + ", " + warmup + ", " + spread + ", " + tail);
            }
            Duration d = duration(groups, warmup, spread, tail); // the fields are not assigned yet
            if (d.toNanos() / 1_000 >= MAX_SPAN_US) {
                throw new IllegalArgumentException("the trace would last " + d + ", more than the 6 days (2^39 µs) whose"
                        + " packets the generator can order: raise the rates");
            }
        }

        /** From the start of the trace to its end. */
        public Duration duration() {
            return duration(groups, warmup, spread, tail);
        }

        private static Duration duration(List<AttackGroup> groups, Duration warmup, Duration spread, Duration tail) {
            long longest = groups.stream().mapToLong(AttackGroup::durationUs).max().orElse(0);
            return warmup.plus(spread).plus(Duration.ofNanos(longest * 1_000)).plus(tail);
        }
    }

    /**
     * What was written.
     *
     * @param backgroundClipped background packets left out because they fell after the end of the trace
     * @param backgroundDropped frames of the background captures that could not be written as Ethernet (non-IP on
     *                          another link type), per load
     */
    public record Result(Path pcap, Path labelsFile, List<Label> labels, long attackPackets, long backgroundPackets,
                         long backgroundClipped, long backgroundDropped, Duration duration, double seconds) {
        public String summary() {
            return String.format(Locale.ROOT,
                    "attack trace: %d attack instances, %d attack + %d background packets over %d s of traffic"
                            + " (%d background packets past the end left out, %d non-IP frames dropped) to %s in %.1f s",
                    labels.size(), attackPackets, backgroundPackets, duration.toSeconds(), backgroundClipped,
                    backgroundDropped, pcap, seconds);
        }
    }

    private AttackTrace() {
    }

    public static Result generate(Spec spec, Path pcap, Path labelsFile) throws IOException {
        long t0 = System.nanoTime();
        long startUs = spec.start().getEpochSecond() * 1_000_000L + spec.start().getNano() / 1_000;
        long endUs = startUs + spec.duration().toNanos() / 1_000;
        SplittableRandom rng = new SplittableRandom(spec.seed());

        SyntheticPackets attacks = new SyntheticPackets();
        List<Label> labels = new ArrayList<>();
        AttackPlanner planner = new AttackPlanner(attacks, labels, rng.nextLong());
        long firstAttackUs = startUs + spec.warmup().toNanos() / 1_000;
        long spreadUs = spec.spread().toNanos() / 1_000;
        for (AttackGroup g : spec.groups()) {
            for (int i = 0; i < g.instances(); i++) {
                double slot = (i + rng.nextDouble()) / g.instances();
                planner.instance(g, firstAttackUs + (long) (slot * spreadUs));
            }
        }
        int[] attackOrder = attacks.timeOrder();

        Background bg = Background.plan(spec, startUs, endUs, rng);
        long[] bgKeys = bg.timeOrder();

        byte[] scratch = new byte[MAX_FRAME];
        long attackWritten = 0;
        long backgroundWritten = 0;
        try (PcapWriter out = new PcapWriter(pcap)) {
            int a = 0;
            int b = 0;
            while (a < attackOrder.length || b < bgKeys.length) {
                long ta = a < attackOrder.length ? attacks.timeUs(attackOrder[a]) : Long.MAX_VALUE;
                long tb = b < bgKeys.length ? bg.timeUs(bgKeys[b]) : Long.MAX_VALUE;
                if (ta <= tb) {
                    int n = attacks.frame(attackOrder[a++], scratch);
                    out.write(ta, scratch, n, n);
                    attackWritten++;
                } else {
                    bg.write(bgKeys[b++], scratch, out);
                    backgroundWritten++;
                }
            }
        }
        try (Writer w = Files.newBufferedWriter(labelsFile, StandardCharsets.UTF_8)) {
            for (Label l : labels) {
                w.write(l.json());
                w.write('\n');
            }
        }
        return new Result(pcap, labelsFile, List.copyOf(labels), attackWritten, backgroundWritten, bg.clipped,
                bg.dropped, spec.duration(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The background's replays ("placements": a capture, its repeat number and its start time) and their packets as
     * one sorted array of keys (time relative to the trace start << 24 | global packet number).
     */
    private static final class Background {
        private final long startUs;
        private final long endUs;
        private final boolean shift;
        private final List<BackgroundCapture> captures;
        private final int[] placementCapture;
        private final int[] placementRepeat;
        private final long[] placementStartUs;
        /** First global packet number of each placement (a prefix sum), for finding a packet's placement. */
        private final long[] placementBase;
        private final long total;
        private final long dropped;
        private long clipped;

        private Background(long startUs, long endUs, boolean shift, List<BackgroundCapture> captures,
                           List<long[]> placements, long dropped) {
            this.startUs = startUs;
            this.endUs = endUs;
            this.dropped = dropped;
            this.shift = shift;
            this.captures = captures;
            int n = placements.size();
            placementCapture = new int[n];
            placementRepeat = new int[n];
            placementStartUs = new long[n];
            placementBase = new long[n];
            long base = 0;
            for (int i = 0; i < n; i++) {
                long[] p = placements.get(i);
                placementCapture[i] = (int) p[0];
                placementRepeat[i] = (int) p[1];
                placementStartUs[i] = p[2];
                placementBase[i] = base;
                base += captures.get((int) p[0]).size();
            }
            total = base;
            if (total >= SyntheticPackets.MAX_PACKETS) {
                throw new IllegalStateException("more than " + SyntheticPackets.MAX_PACKETS
                        + " background packets: replay less often or over a shorter trace");
            }
        }

        static Background plan(Spec spec, long startUs, long endUs, SplittableRandom rng) {
            List<BackgroundCapture> captures = new ArrayList<>();
            long dropped = 0;
            for (Path p : spec.background()) {
                BackgroundCapture c = BackgroundCapture.load(p);
                dropped += c.dropped;
                captures.add(c);
            }
            long everyUs = spec.backgroundEvery().toNanos() / 1_000;
            List<long[]> placements = new ArrayList<>();
            for (int c = 0; c < captures.size(); c++) {
                long phase = rng.nextLong(everyUs);
                int repeat = 0;
                for (long t = startUs + phase; t < endUs; t += everyUs) {
                    placements.add(new long[] {c, repeat++, t});
                }
            }
            return new Background(startUs, endUs, spec.shiftRepeats(), captures, placements, dropped);
        }

        long[] timeOrder() {
            long[] keys = new long[(int) total];
            int n = 0;
            for (int p = 0; p < placementCapture.length; p++) {
                BackgroundCapture c = captures.get(placementCapture[p]);
                for (int f = 0; f < c.size(); f++) {
                    long t = placementStartUs[p] + c.relativeUs[f];
                    if (t >= endUs) {
                        clipped += c.size() - f; // frames are in time order: the rest are later still
                        break;
                    }
                    keys[n++] = (t - startUs) << 24 | (placementBase[p] + f);
                }
            }
            keys = Arrays.copyOf(keys, n);
            Arrays.sort(keys);
            return keys;
        }

        long timeUs(long key) {
            return startUs + (key >>> 24);
        }

        void write(long key, byte[] scratch, PcapWriter out) throws IOException {
            long packet = key & (SyntheticPackets.MAX_PACKETS - 1);
            int p = Arrays.binarySearch(placementBase, packet);
            if (p < 0) {
                p = -p - 2;
            }
            while (p + 1 < placementBase.length && placementBase[p + 1] == packet) {
                p++; // skip placements of empty captures that share this base
            }
            BackgroundCapture c = captures.get(placementCapture[p]);
            int f = (int) (packet - placementBase[p]);
            byte[] frame = c.frames[f];
            int length = Math.min(frame.length, PcapWriter.SNAPLEN);
            System.arraycopy(frame, 0, scratch, 0, length);
            if (shift) {
                AddressShift.apply(scratch, length, c.l3Offsets[f], placementRepeat[p]);
            }
            out.write(timeUs(key), scratch, length, c.wireLengths[f]);
        }
    }
}
