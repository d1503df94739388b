package io.tapflow.agent.bench;

import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.LinkType;
import io.tapflow.agent.source.live.LinuxSockets;
import io.tapflow.agent.source.live.LiveCaptureException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A faster {@link PacedSender}: frames are written into an AF_PACKET {@code PACKET_TX_RING} (TPACKET_V2, qdisc
 * bypassed) and handed to the kernel a chunk at a time by one {@code send()}, instead of one {@code sendto()} per
 * frame. On a veth pair the receive path (the copy into every capture ring) also runs on the sender's CPU, so the
 * syscall cost saved here is what lets the sender outrun the captures it measures.
 */
public final class TxRingSender implements PacedSender {
    private static final int TPACKET_V2 = 1;
    private static final int PACKET_TX_RING = 13;
    private static final int PACKET_QDISC_BYPASS = 20;
    /** struct tpacket2_hdr, aligned: the frame's bytes follow it (no PACKET_TX_HAS_OFF). */
    private static final int HEADER = 32;
    private static final int STATUS_SEND_REQUEST = 1;
    private static final int STATUS_SENDING = 2;
    private static final int STATUS_WRONG_FORMAT = 4;
    private static final int BLOCK_SIZE = 1 << 16;
    private static final int FRAMES = 4096;
    /** Frames per send() at most: small enough that pacing stays smooth, large enough to amortise the syscall. */
    private static final int MAX_CHUNK = 256;
    private static final long DRAIN_TIMEOUT_NS = 5_000_000_000L;

    private final Arena arena = Arena.ofShared();
    private final LinuxSockets sys = new LinuxSockets(arena);
    private final String name;
    private final int maxFrame;
    private final int frameSize;
    private final int fd;
    private final MemorySegment ring;
    private int next;

    /** @param maxFrame the largest frame the link takes */
    public TxRingSender(String interfaceName, int maxFrame) {
        this.name = interfaceName;
        this.maxFrame = maxFrame;
        this.frameSize = Integer.highestOneBit(maxFrame + HEADER - 1) << 1;
        int ifindex = sys.ifNameToIndex(interfaceName);
        if (ifindex == 0) {
            arena.close();
            throw new LiveCaptureException("no network interface '" + interfaceName + "' to send on");
        }
        fd = sys.socket(LinuxSockets.AF_PACKET, LinuxSockets.SOCK_RAW, 0); // protocol 0: receives nothing
        if (fd < 0) {
            int e = sys.errno();
            arena.close();
            throw new LiveCaptureException("sending on " + interfaceName + " needs CAP_NET_RAW: " + LinuxSockets.describe(e));
        }
        try {
            setInt(LinuxSockets.PACKET_VERSION, TPACKET_V2, "PACKET_VERSION TPACKET_V2");
            setInt(PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            int blockSize = Math.max(BLOCK_SIZE, frameSize);
            int frames = Math.max(FRAMES, blockSize / frameSize);
            MemorySegment req = arena.allocate(16, 4); // struct tpacket_req
            req.set(ValueLayout.JAVA_INT, 0, blockSize);
            req.set(ValueLayout.JAVA_INT, 4, (int) ((long) frames * frameSize / blockSize));
            req.set(ValueLayout.JAVA_INT, 8, frameSize);
            req.set(ValueLayout.JAVA_INT, 12, frames);
            if (sys.setsockopt(fd, LinuxSockets.SOL_PACKET, PACKET_TX_RING, req) < 0) {
                throw new LiveCaptureException(name + ": the kernel refused a TX ring: " + LinuxSockets.describe(sys.errno()));
            }
            ring = sys.mmapShared(fd, (long) frames * frameSize);
            if (ring.equals(MemorySegment.NULL)) {
                throw new LiveCaptureException(name + ": cannot map the TX ring: " + LinuxSockets.describe(sys.errno()));
            }
            MemorySegment sll = LinuxSockets.packetAddress(arena, ifindex);
            sll.set(ValueLayout.JAVA_SHORT, 2, (short) 0); // bound for sending only: not a tap on the link
            if (sys.bind(fd, sll) < 0) {
                throw new LiveCaptureException("cannot bind to " + interfaceName + ": " + LinuxSockets.describe(sys.errno()));
            }
        } catch (RuntimeException e) {
            sys.close(fd);
            arena.close();
            throw e;
        }
    }

    @Override
    public boolean sendable(FrameBatch batch, int i) {
        int length = batch.capturedLength(i);
        return batch.linkType(i) == LinkType.ETHERNET && length == batch.wireLength(i) && length >= 14 && length <= maxFrame;
    }

    @Override
    public long sendPaced(List<FrameBatch> batches, long rate, long durationNs) {
        long start = System.nanoTime();
        double nsPerFrame = 1e9 / rate;
        int chunk = (int) Math.max(1, Math.min(MAX_CHUNK, rate / 2_000)); // a chunk every 0.5 ms or more often
        long queued = 0;
        int inChunk = 0;
        while (true) {
            for (FrameBatch b : batches) {
                for (int i = 0; i < b.count(); i++) {
                    if (!sendable(b, i)) {
                        continue;
                    }
                    if (inChunk == 0) {
                        long now = System.nanoTime();
                        if (now - start >= durationNs) {
                            drain();
                            return queued;
                        }
                        long due = start + (long) (queued * nsPerFrame);
                        if (due - now > 50_000) {
                            LockSupport.parkNanos(due - now);
                        }
                    }
                    put(b.data(), b.offset(i), b.capturedLength(i));
                    queued++;
                    if (++inChunk == chunk) {
                        flush();
                        inChunk = 0;
                    }
                }
            }
        }
    }

    /**
     * Writes one frame into the next slot. The kernel hands a slot back (status available) once the frame has left;
     * with a ring of thousands of slots and chunks of at most {@link #MAX_CHUNK} that has nearly always happened.
     */
    private void put(MemorySegment data, long offset, int length) {
        long slot = (long) next * frameSize;
        if (++next == ring.byteSize() / frameSize) {
            next = 0;
        }
        int status;
        while (((status = ring.get(ValueLayout.JAVA_INT, slot)) & (STATUS_SEND_REQUEST | STATUS_SENDING)) != 0) {
            if ((status & STATUS_SEND_REQUEST) != 0) {
                flush(); // not taken yet: ask again
            } else {
                Thread.onSpinWait(); // in flight
            }
        }
        if ((status & STATUS_WRONG_FORMAT) != 0) {
            throw new LiveCaptureException(name + ": the kernel refused a frame of the TX ring (bad format)");
        }
        MemorySegment.copy(data, offset, ring, slot + HEADER, length);
        ring.set(ValueLayout.JAVA_INT, slot + 4, length); // tp_len
        ring.set(ValueLayout.JAVA_INT, slot, STATUS_SEND_REQUEST); // the send() below is the barrier the kernel reads after
    }

    /** Waits until the kernel has taken and released every slot, so the link's counters include every frame. */
    private void drain() {
        int slots = (int) (ring.byteSize() / frameSize);
        long deadline = System.nanoTime() + DRAIN_TIMEOUT_NS;
        for (int s = 0; s < slots; s++) {
            while ((ring.get(ValueLayout.JAVA_INT, (long) s * frameSize) & (STATUS_SEND_REQUEST | STATUS_SENDING)) != 0) {
                if (System.nanoTime() > deadline) {
                    throw new LiveCaptureException(name + ": the kernel did not release the TX ring's frames within 5 s");
                }
                flush();
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Hands every requested slot to the kernel without waiting for them to leave: a blocking send would wait for the
     * last frame's release, which on a busy machine the kernel defers to ksoftirqd, costing milliseconds per chunk.
     */
    private void flush() {
        while (sys.sendto(fd, MemorySegment.NULL, 0, LinuxSockets.MSG_DONTWAIT, MemorySegment.NULL) < 0) {
            int e = sys.errno();
            if (e != LinuxSockets.ENOBUFS && e != LinuxSockets.EAGAIN && e != LinuxSockets.EINTR) {
                throw new LiveCaptureException(name + ": send on the TX ring failed: " + LinuxSockets.describe(e));
            }
            LockSupport.parkNanos(50_000);
        }
    }

    @Override
    public String name() {
        return "tx-ring";
    }

    @Override
    public void close() {
        sys.munmap(ring);
        sys.close(fd);
        arena.close();
    }

    private void setInt(int option, int value, String what) {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        if (sys.setsockopt(fd, LinuxSockets.SOL_PACKET, option, v) < 0) {
            throw new LiveCaptureException(name + ": setsockopt " + what + " failed: " + LinuxSockets.describe(sys.errno()));
        }
    }
}
