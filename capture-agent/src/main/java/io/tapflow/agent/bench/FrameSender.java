package io.tapflow.agent.bench;

import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.LinkType;
import io.tapflow.agent.source.PacketSource;
import io.tapflow.agent.source.live.LinuxSockets;
import io.tapflow.agent.source.live.LiveCaptureException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts frames on a link as they are: an AF_PACKET raw socket sends each Ethernet frame of a capture byte for byte
 * (original MACs, VLAN tags, tunnels), for live-capture tests and loss benchmarks over a veth pair. Needs CAP_NET_RAW.
 */
public final class FrameSender implements PacedSender {
    /** Ethernet header; the kernel refuses shorter frames. */
    private static final int MIN_FRAME = 14;

    /** What one capture replay did: frames sent, and frames left out (not Ethernet, truncated by the capture, too short or long). */
    public record Sent(long frames, long bytes, long skipped) {
    }

    private final Arena arena = Arena.ofShared();
    private final LinuxSockets sys = new LinuxSockets(arena);
    private final MemorySegment address;
    private final int fd;
    private final String name;
    private final int maxFrame;

    /** @param maxFrame the largest frame the link takes (MTU + 14 + 4 for a VLAN tag) */
    public FrameSender(String interfaceName, int maxFrame) {
        this.name = interfaceName;
        this.maxFrame = maxFrame;
        int ifindex = sys.ifNameToIndex(interfaceName);
        if (ifindex == 0) {
            arena.close();
            throw new LiveCaptureException("no network interface '" + interfaceName + "' to send on");
        }
        fd = sys.socket(LinuxSockets.AF_PACKET, LinuxSockets.SOCK_RAW, 0); // protocol 0: this socket receives nothing
        if (fd < 0) {
            int e = sys.errno();
            arena.close();
            throw new LiveCaptureException("sending on " + interfaceName + " needs CAP_NET_RAW: " + LinuxSockets.describe(e));
        }
        address = LinuxSockets.packetAddress(arena, ifindex);
    }

    /**
     * Sends one frame; retries while the kernel's queue is full.
     *
     * @return false if the kernel refused the frame (too long for the link, ...)
     */
    public boolean send(MemorySegment data, long offset, int length) {
        MemorySegment frame = data.asSlice(offset, length);
        while (true) {
            if (sys.sendto(fd, frame, length, address) >= 0) {
                return true;
            }
            int e = sys.errno();
            if (e != LinuxSockets.ENOBUFS && e != LinuxSockets.EAGAIN && e != LinuxSockets.EINTR) {
                return false;
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * Sends every whole Ethernet frame of a capture in order, as fast as the link takes them. Frames the capture
     * truncated (captured &lt; wire length), other link types and frames that do not fit the link are skipped and
     * counted, so the receiver can be compared with the frames actually sent.
     */
    public Sent sendCapture(Path file) {
        long frames = 0;
        long bytes = 0;
        long skipped = 0;
        FrameBatch batch = new FrameBatch();
        try (PacketSource source = CaptureFiles.open(file)) {
            while (source.nextBatch(batch) > 0) {
                for (int i = 0; i < batch.count(); i++) {
                    int length = batch.capturedLength(i);
                    if (!sendable(batch, i) || !send(batch.data(), batch.offset(i), length)) {
                        skipped++;
                        continue;
                    }
                    frames++;
                    bytes += length;
                }
            }
        }
        return new Sent(frames, bytes, skipped);
    }

    @Override
    public boolean sendable(FrameBatch batch, int i) {
        int length = batch.capturedLength(i);
        return batch.linkType(i) == LinkType.ETHERNET && length == batch.wireLength(i) && length >= MIN_FRAME && length <= maxFrame;
    }

    /** One sendto() per frame, cycling through the batches. */
    @Override
    public long sendPaced(List<FrameBatch> batches, long rate, long durationNs) {
        long start = System.nanoTime();
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
                    if (sendable(b, i) && send(b.data(), b.offset(i), b.capturedLength(i))) {
                        sent++;
                    }
                }
            }
        }
    }

    @Override
    public String name() {
        return "socket";
    }

    /** The interface frames go out on. */
    public String interfaceName() {
        return name;
    }

    @Override
    public void close() {
        sys.close(fd);
        arena.close();
    }
}
