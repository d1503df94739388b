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
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /**
     * One rate step. {@code sent}: frames the link delivered to the capturing end; {@code linkDrops}: frames the kernel
     * dropped on the way (a full receive backlog), seen by no capture and not counted as its loss.
     */
    public record Step(Capture capture, String frames, long offeredPps, long sent, double sentPps, long captured, long ringDrops,
                       long linkDrops) {
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

    /** How frames are sent: one sendto() per frame, or through a TX ring. */
    public enum Sender {
        SOCKET, TX_RING;

        public static Sender parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "socket" -> SOCKET;
                case "tx-ring" -> TX_RING;
                default -> throw new IllegalArgumentException("--sender must be socket or tx-ring: " + text);
            };
        }

        PacedSender open(String interfaceName) {
            return this == SOCKET ? new FrameSender(interfaceName, VethLink.MAX_FRAME) : new TxRingSender(interfaceName, VethLink.MAX_FRAME);
        }
    }

    public static List<Step> run(List<Capture> captures, List<Long> rates, List<TraceGenerator.FrameSize> frameSizes, double seconds,
                                 int ringMb, Sender sender, PrintStream out) throws IOException, InterruptedException {
        List<Step> steps = new ArrayList<>();
        Path dir = Files.createTempDirectory("tapflow-loss");
        try (VethLink link = VethLink.create(false)) {
            out.printf("veth %s -> %s, sender %s, %.1f s per step, ring %d MiB per thread%n", link.sender, link.capture,
                    sender.name().toLowerCase(Locale.ROOT).replace('_', '-'), seconds, ringMb);
            out.printf("%-11s %-6s %12s %12s %12s %12s %10s %10s %8s%n", "capture", "frames", "offered pps", "sent pps", "sent",
                    "captured", "ring drops", "link drops", "loss %");
            for (TraceGenerator.FrameSize size : frameSizes) {
                String frames = size == TraceGenerator.FrameSize.FIXED_64 ? "64" : "imix";
                Path trace = dir.resolve("trace-" + frames + ".pcap");
                TraceGenerator.generate(TraceGenerator.TraceSpec.of(200_000, 10_000).withFrameSize(size), trace);
                List<FrameBatch> batches = load(trace);
                step(link, sender, captures.get(0), frames, batches, rates.get(0), Math.min(seconds, 1), ringMb); // warm-up (JIT), not reported
                for (Capture capture : captures) {
                    for (long rate : rates) {
                        Step step = step(link, sender, capture, frames, batches, rate, seconds, ringMb);
                        steps.add(step);
                        out.printf("%-11s %-6s %12d %12.0f %12d %12d %10d %10d %8.3f%s%n", capture, frames, rate, step.sentPps(),
                                step.sent(), step.captured(), step.ringDrops(), step.linkDrops(), step.lossPercent(),
                                step.senderLimited() ? "  (sender-limited)" : "");
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

    private static Step step(VethLink link, Sender kind, Capture capture, String frames, List<FrameBatch> batches, long rate,
                             double seconds, int ringMb) throws InterruptedException {
        if (Capture.peer(capture.source())) {
            return peerStep(link, kind, capture, frames, batches, rate, seconds);
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
        Delivered delivered;
        try (PacedSender sender = kind.open(link.sender)) {
            delivered = send(sender, link, batches, rate, seconds);
        }
        Thread.sleep(SETTLE_MS);
        stop.set(true);
        LiveCapture.Result result = live.awaitEnd();
        long captured = 0;
        for (Meter m : meters) {
            captured += m.counters().packets;
        }
        return new Step(capture, frames, rate, delivered.frames, delivered.pps, captured, result.drops(), delivered.linkDrops);
    }

    /** The same step with a peer meter as a child process on the capturing end (ring drops: not known, -1). */
    private static Step peerStep(VethLink link, Sender kind, Capture capture, String frames, List<FrameBatch> batches, long rate,
                                 double seconds) throws InterruptedException {
        try {
            PeerCapture peer = PeerCapture.start(capture.source(), link.capture,
                    Path.of(System.getProperty("java.io.tmpdir"), "tapflow-loss-" + capture.source()));
            Thread.sleep(PeerCapture.READY_MS);
            Delivered delivered;
            try (PacedSender sender = kind.open(link.sender)) {
                delivered = send(sender, link, batches, rate, seconds);
            }
            Thread.sleep(SETTLE_MS);
            if (peer.needsFlushFrames()) {
                sendFlushFrames(link);
            }
            return new Step(capture, frames, rate, delivered.frames, delivered.pps, peer.stopAndCount(), -1, delivered.linkDrops);
        } catch (IOException e) {
            throw new UncheckedIOException(capture.source() + " could not run (is it installed?): " + e.getMessage(), e);
        }
    }

    /** Frames that make a peer export what it holds; they are sent after the step's counters were read. */
    private static void sendFlushFrames(VethLink link) {
        byte[] frame = PeerCapture.flushFrames().get(0);
        try (Arena arena = Arena.ofConfined(); FrameSender sender = new FrameSender(link.sender, VethLink.MAX_FRAME)) {
            MemorySegment flush = arena.allocate(frame.length); // the socket wants native memory
            flush.copyFrom(MemorySegment.ofArray(frame));
            for (int i = 0; i < 20_000; i++) {
                sender.send(flush, 0, frame.length);
            }
        }
    }

    private record Delivered(long frames, double pps, long linkDrops) {
    }

    /** Sends for {@code seconds}; what the link delivered is read off the sending interface's counters. */
    private static Delivered send(PacedSender sender, VethLink link, List<FrameBatch> batches, long rate, double seconds) {
        LinkCounters before = LinkCounters.read(link.sender);
        long start = System.nanoTime();
        sender.sendPaced(batches, rate, (long) (seconds * 1e9));
        double elapsed = (System.nanoTime() - start) / 1e9;
        LinkCounters delta = LinkCounters.read(link.sender).since(before);
        return new Delivered(delta.txPackets(), delta.txPackets() / elapsed, delta.txDropped());
    }

    static List<FrameBatch> load(Path trace) {
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
