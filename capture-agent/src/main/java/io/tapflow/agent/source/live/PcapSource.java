package io.tapflow.agent.source.live;

import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.LinkType;
import io.tapflow.agent.source.PacketSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.sql.Timestamp;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.RawPacketListener;

/**
 * Live capture through libpcap (pcap4j 1.8.2): any interface libpcap can open, on any OS it supports. Slower than
 * {@link AfPacketSource} and one thread only; for hosts or interfaces where AF_PACKET is not available.
 *
 * <p>Each packet is copied into a slot of one off-heap buffer the batch points at (slot i at i × 64 KiB), so the meter
 * sees the same memory layout as with files. pcap4j itself allocates per packet and we cannot avoid it: a
 * {@code byte[]} of the packet (JNA copies it out of libpcap's buffer), a {@link Timestamp} and a boxed original
 * length. That is the price of this source; use afpacket where speed matters.
 *
 * <p>{@link #nextBatch} returns 0 when nothing arrived within the read timeout (an idle link, not the end). libpcap
 * on a TPACKET_V3 socket waits for the kernel to hand over a block, and the kernel never hands over an empty one: an
 * idle link would block a read forever, and with it flow expiry and shutdown. So a waker thread breaks the read loop
 * every {@value #READ_TIMEOUT_MS} ms (pcap_breakloop is meant to be called from another thread; libpcap 1.10 wakes the
 * poll with an eventfd); frames not yet read stay in the ring for the next read.
 */
public final class PcapSource implements PacketSource {
    public static final int READ_TIMEOUT_MS = 100;
    private static final int SNAPLEN = 65_535;
    private static final long SLOT = 65_536;

    private final String name;
    private final PcapHandle handle;
    private final int linkType;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final Collector collector = new Collector();
    private final ScheduledExecutorService waker;
    private long drops;

    /**
     * @param filter tcpdump syntax; empty = everything
     * @throws LiveCaptureException naming the interface and what is missing
     */
    public PcapSource(String interfaceName, int bufferBytes, String filter, boolean promiscuous, int batchCapacity) {
        this.name = interfaceName;
        this.buffer = arena.allocate(SLOT * batchCapacity, 8);
        try {
            handle = new PcapHandle.Builder(interfaceName).snaplen(SNAPLEN)
                    .promiscuousMode(promiscuous ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(READ_TIMEOUT_MS).bufferSize(bufferBytes)
                    .timestampPrecision(PcapHandle.TimestampPrecision.NANO).build();
        } catch (PcapNativeException e) {
            arena.close();
            throw new LiveCaptureException(explain(interfaceName, e.getMessage()), e);
        }
        try {
            int dlt = handle.getDlt().value();
            if (!LinkType.isSupported(dlt)) {
                throw new LiveCaptureException(interfaceName + ": libpcap link type " + dlt + " is not supported");
            }
            this.linkType = dlt;
            if (filter != null && !filter.isBlank()) {
                handle.setFilter(filter, BpfCompileMode.OPTIMIZE);
            }
        } catch (PcapNativeException | NotOpenException e) {
            close();
            throw new LiveCaptureException("filter '" + filter + "' does not compile on " + interfaceName + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        waker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("pcap-waker-" + interfaceName).daemon().unstarted(r));
        waker.scheduleWithFixedDelay(this::wake, READ_TIMEOUT_MS, READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void wake() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // closing
        }
    }

    private static String explain(String interfaceName, String libpcapMessage) {
        String m = libpcapMessage == null ? "" : libpcapMessage;
        if (m.contains("ermission") || m.contains("not permitted")) {
            return "capturing on " + interfaceName + " needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode); libpcap: " + m;
        }
        if (m.contains("No such device") || m.contains("doesn't exist")) {
            return AfPacketSource.noSuchInterface(interfaceName) + "; libpcap: " + m;
        }
        return "libpcap cannot capture on " + interfaceName + ": " + m;
    }

    @Override
    public int nextBatch(FrameBatch batch) {
        batch.reset(buffer);
        collector.batch = batch;
        int limit = Math.min(batch.capacity(), (int) (buffer.byteSize() / SLOT));
        try {
            handle.dispatch(limit, collector); // up to limit packets of what libpcap has
        } catch (InterruptedException e) {
            // the waker broke the read (pcap4j reports PCAP_ERROR_BREAK so): return what was read, maybe nothing
        } catch (PcapNativeException | NotOpenException e) {
            throw new IllegalStateException(name + ": libpcap read failed: " + e.getMessage(), e);
        }
        return batch.count();
    }

    /** Copies each packet pcap4j hands over into the next buffer slot. Reused: not a lambda per call. */
    private final class Collector implements RawPacketListener {
        FrameBatch batch;

        @Override
        public void gotPacket(byte[] packet) {
            if (batch.isFull()) {
                return;
            }
            long slot = batch.count() * SLOT;
            int captured = Math.min(packet.length, SNAPLEN);
            MemorySegment.copy(packet, 0, buffer, ValueLayout.JAVA_BYTE, slot, captured);
            Timestamp ts = handle.getTimestamp();
            long tsNanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            Integer original = handle.getOriginalLength();
            int wire = original == null ? captured : Math.max(original, captured);
            batch.add(slot, captured, wire, tsNanos, linkType);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Frames libpcap reports lost (ps_drop, cumulative). Call from the capture thread: a pcap handle is not thread-safe. */
    @Override
    public long drops() {
        if (handle != null && handle.isOpen()) {
            try {
                drops = handle.getStats().getNumPacketsDropped();
            } catch (PcapNativeException | NotOpenException e) {
                // keep the last value
            }
        }
        return drops;
    }

    @Override
    public void close() {
        if (waker != null) {
            waker.shutdownNow();
            try {
                waker.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (handle != null && handle.isOpen()) {
            drops();
            handle.close();
        }
        arena.close();
    }
}
