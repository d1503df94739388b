package io.tapflow.agent.bench;

import io.tapflow.agent.export.NullSink;
import io.tapflow.agent.meter.LiveCapture;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.PacketSource;
import io.tapflow.agent.source.live.AfPacketSource;
import io.tapflow.agent.source.live.PcapSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Capture loss against offered rate: synthetic frames (64-byte or IMIX, from {@link TraceGenerator}) are sent at
 * increasing rates through a veth pair by {@link FrameSender}, and a live source with its meters captures the other end.
 * Reports per source and thread count the frames captured, ring drops and loss per rate, and the highest rate without
 * loss. Sender and capture share the machine's CPUs, so figures are for comparing sources here, not for a NIC.
 */
public final class LossBenchmark {
    /** How long the capture keeps reading after the sender stops: a partly filled block is handed over after 10 ms. */
    private static final long SETTLE_MS = 300;

    /** A source kind and its thread count, written {@code afpacket:2}. */
    public record Capture(String source, int threads) {
        public static Capture parse(String text) {
            String[] parts = text.split(":");
            String source = parts[0].toLowerCase(Locale.ROOT);
            int threads = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
            boolean single = source.equals("pcap") || peer(source);
            if (!source.equals("afpacket") && !single || threads < 1 || single && threads != 1) {
                throw new IllegalArgumentException("capture must be afpacket:N, pcap:1, pmacctd:1 or softflowd:1: " + text);
            }
            return new Capture(source, threads);
        }

        @Override
        public String toString() {
            return source + ":" + threads;
        }

        static boolean peer(String source) {
            return source.equals("pmacctd") || source.equals("softflowd");
        }
    }

    /** One rate step. */
    public record Step(Capture capture, String frames, long offeredPps, long sent, double sentPps, long captured, long ringDrops) {
        public double lossPercent() {
            return sent == 0 ? 0 : 100.0 * (sent - Math.min(sent, captured)) / sent;
        }

        /** The sender could not reach the offered rate: the step measured the sender, not the capture. */
        public boolean senderLimited() {
            return sentPps < 0.95 * offeredPps;
        }
    }

    private LossBenchmark() {
    }

    public static List<Step> run(List<Capture> captures, List<Long> rates, List<TraceGenerator.FrameSize> frameSizes, double seconds,
                                 int ringMb, PrintStream out) throws IOException, InterruptedException {
        List<Step> steps = new ArrayList<>();
        Path dir = Files.createTempDirectory("tapflow-loss");
        try (VethLink link = VethLink.create(false)) {
            out.printf("veth %s -> %s, %.1f s per step, ring %d MiB per thread%n", link.sender, link.capture, seconds, ringMb);
            out.printf("%-11s %-6s %12s %12s %12s %12s %10s %8s%n", "capture", "frames", "offered pps", "sent pps", "sent",
                    "captured", "ring drops", "loss %");
            for (TraceGenerator.FrameSize size : frameSizes) {
                String frames = size == TraceGenerator.FrameSize.FIXED_64 ? "64" : "imix";
                Path trace = dir.resolve("trace-" + frames + ".pcap");
                TraceGenerator.generate(TraceGenerator.TraceSpec.of(200_000, 10_000).withFrameSize(size), trace);
                List<FrameBatch> batches = load(trace);
                step(link, captures.get(0), frames, batches, rates.get(0), Math.min(seconds, 1), ringMb); // warm-up (JIT), not reported
                for (Capture capture : captures) {
                    for (long rate : rates) {
                        Step step = step(link, capture, frames, batches, rate, seconds, ringMb);
                        steps.add(step);
                        out.printf("%-11s %-6s %12d %12.0f %12d %12d %10d %8.3f%s%n", capture, frames, rate, step.sentPps(), step.sent(),
                                step.captured(), step.ringDrops(), step.lossPercent(), step.senderLimited() ? "  (sender-limited)" : "");
                    }
                    out.printf("%-11s %-6s highest offered rate without loss: %s; highest rate sent without loss: %s%n", capture, frames,
                            highestWithoutLoss(steps, capture, frames), highestSentWithoutLoss(steps, capture, frames));
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        return steps;
    }

    static String highestWithoutLoss(List<Step> steps, Capture capture, String frames) {
        long best = -1;
        for (Step s : steps) {
            if (s.capture().equals(capture) && s.frames().equals(frames) && s.captured() >= s.sent() && !s.senderLimited()) {
                best = Math.max(best, s.offeredPps());
            }
        }
        return best < 0 ? "none of the rates tried" : best + " pps";
    }

    /** On veth the receive path runs on the sender's CPU, so the sender often tops out before the capture loses. */
    static String highestSentWithoutLoss(List<Step> steps, Capture capture, String frames) {
        double best = -1;
        for (Step s : steps) {
            if (s.capture().equals(capture) && s.frames().equals(frames) && s.captured() >= s.sent()) {
                best = Math.max(best, s.sentPps());
            }
        }
        return best < 0 ? "none" : String.format(Locale.ROOT, "%.0f pps", best);
    }

    private static Step step(VethLink link, Capture capture, String frames, List<FrameBatch> batches, long rate, double seconds,
                             int ringMb) throws InterruptedException {
        if (Capture.peer(capture.source())) {
            return peerStep(link, capture, frames, batches, rate, seconds);
        }
        List<PacketSource> sources = new ArrayList<>();
        int group = capture.threads() > 1 ? (int) ((ProcessHandle.current().pid() + rate) & 0xFFFF) : -1;
        for (int i = 0; i < capture.threads(); i++) {
            sources.add(capture.source().equals("pcap")
                    ? new PcapSource(link.capture, ringMb << 20, "", true, FrameBatch.DEFAULT_CAPACITY)
                    : new AfPacketSource(link.capture, (long) ringMb << 20, null, true, group));
        }
        MeterSettings d = MeterSettings.defaults();
        MeterSettings settings = new MeterSettings(65_536, d.idleTimeoutNs(), d.activeTimeoutNs(), d.flushIntervalNs(), d.closeGraceNs(),
                0, 0, d.fragmentEntries());
        List<Meter> meters = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            meters.add(new Meter(settings, new NullSink(), (m, ts, last) -> { }));
        }
        AtomicBoolean stop = new AtomicBoolean();
        LiveCapture live = new LiveCapture(sources, meters, stop::get);
        live.start();
        Thread.sleep(100);
        long sent;
        double sentPps;
        try (FrameSender sender = new FrameSender(link.sender, VethLink.MAX_FRAME)) {
            long start = System.nanoTime();
            sent = sendPaced(sender, batches, rate, (long) (seconds * 1e9), start);
            sentPps = sent / ((System.nanoTime() - start) / 1e9);
        }
        Thread.sleep(SETTLE_MS);
        stop.set(true);
        LiveCapture.Result result = live.awaitEnd();
        long captured = 0;
        for (Meter m : meters) {
            captured += m.counters().packets;
        }
        return new Step(capture, frames, rate, sent, sentPps, captured, result.drops());
    }

    /** The same step with a peer meter as a child process on the capturing end (ring drops: not known, -1). */
    private static Step peerStep(VethLink link, Capture capture, String frames, List<FrameBatch> batches, long rate,
                                 double seconds) throws InterruptedException {
        try {
            PeerCapture peer = PeerCapture.start(capture.source(), link.capture,
                    Path.of(System.getProperty("java.io.tmpdir"), "tapflow-loss-" + capture.source()));
            Thread.sleep(PeerCapture.READY_MS);
            long sent;
            double sentPps;
            try (FrameSender sender = new FrameSender(link.sender, VethLink.MAX_FRAME)) {
                long start = System.nanoTime();
                sent = sendPaced(sender, batches, rate, (long) (seconds * 1e9), start);
                sentPps = sent / ((System.nanoTime() - start) / 1e9);
                Thread.sleep(SETTLE_MS);
                if (!peer.needsFlushFrames()) {
                    return new Step(capture, frames, rate, sent, sentPps, peer.stopAndCount(), -1);
                }
                byte[] frame = PeerCapture.flushFrames().get(0);
                java.lang.foreign.MemorySegment flush = java.lang.foreign.Arena.ofAuto().allocate(frame.length); // the socket wants native memory
                flush.copyFrom(java.lang.foreign.MemorySegment.ofArray(frame));
                for (int i = 0; i < 20_000; i++) {
                    sender.send(flush, 0, (int) flush.byteSize());
                }
            }
            return new Step(capture, frames, rate, sent, sentPps, peer.stopAndCount(), -1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(capture.source() + " could not run (is it installed?): " + e.getMessage(), e);
        }
    }

    /** Sends frame after frame, cycling through the batches, at most {@code rate} per second for {@code durationNs}. */
    private static long sendPaced(FrameSender sender, List<FrameBatch> batches, long rate, long durationNs, long start) {
        long sent = 0;
        double nsPerFrame = 1e9 / rate;
        while (true) {
            for (FrameBatch b : batches) {
                for (int i = 0; i < b.count(); i++) {
                    if ((sent & 63) == 0) {
                        long now = System.nanoTime();
                        if (now - start >= durationNs) {
                            return sent;
                        }
                        long due = start + (long) (sent * nsPerFrame);
                        if (due - now > 50_000) {
                            LockSupport.parkNanos(due - now);
                        }
                    }
                    if (sender.sendable(b, i) && sender.send(b.data(), b.offset(i), b.capturedLength(i))) {
                        sent++;
                    }
                }
            }
        }
    }

    private static List<FrameBatch> load(Path trace) {
        List<FrameBatch> batches = new ArrayList<>();
        PacketSource source = CaptureFiles.open(trace); // stays open: the batches point into its mapping until exit
        while (true) {
            FrameBatch b = new FrameBatch();
            if (source.nextBatch(b) == 0) {
                return batches;
            }
            batches.add(b);
        }
    }
}
