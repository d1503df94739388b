package io.tapflow.agent.meter;

import io.tapflow.agent.decode.DecodedPacket;
import io.tapflow.agent.decode.PacketDecoder;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.flow.FragmentTracker;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.match.PatternScanner;
import io.tapflow.schema.EndReason;
import java.lang.foreign.MemorySegment;

/**
 * One capture thread's hot path: frames → decoder → fragment tracker → flow table → payload sampler, on capture time.
 * Every {@code flushInterval} of capture time it sweeps the table and ends a stats cycle. With a pattern matcher, each
 * payload sample is scanned once here: its signature ids go with the sample and into the flow's record. Allocates
 * nothing per packet.
 */
public final class Meter {
    /** Frames decoded and warmed together before any is accounted. */
    private static final int STAGE = 64;
    private final MeterSettings settings;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket[] packets = new DecodedPacket[STAGE];
    private final int[] results = new int[STAGE];
    private final long[] hashes = new long[STAGE];
    private final int[] hints = new int[STAGE];
    private long warmed;
    private final FragmentTracker fragments;
    private final FlowTable table;
    private final FlowSink sink;
    private final CycleListener cycles;
    private final MeterCounters counters = new MeterCounters();
    private long now = Long.MIN_VALUE;
    private long nextSweep = Long.MIN_VALUE;
    /** This thread's scratch of the pattern matcher, or null when none runs. */
    private final PatternScanner scanner;
    private final MatchedIds sampleIds;
    /** The sampled bytes, copied out of the batch for the scanner (the matchers scan byte arrays), and a view of them. */
    private final byte[] sampleBytes;
    private final MemorySegment sampleSegment;
    /** The engine reads the mapped file or ring itself (Hyperscan): no copy. */
    private final boolean nativeScan;

    public Meter(MeterSettings settings, FlowSink sink, CycleListener cycles) {
        this(settings, sink, cycles, null);
    }

    /** @param matcher scans every payload sample, or null for none; shared between meters, each takes its own scanner */
    public Meter(MeterSettings settings, FlowSink sink, CycleListener cycles, PatternMatcher matcher) {
        this.settings = settings;
        this.scanner = matcher == null || !settings.sampling() ? null : matcher.newScanner();
        this.sampleIds = matcher == null ? new MatchedIds(1) : MatchedIds.forSet(matcher.signatures());
        this.sampleBytes = scanner == null ? null : new byte[settings.sampleBytes()];
        this.sampleSegment = scanner == null ? null : MemorySegment.ofArray(sampleBytes);
        this.nativeScan = scanner != null && scanner.scansNativeMemory();
        this.sink = sink;
        this.cycles = cycles;
        this.fragments = new FragmentTracker(settings.fragmentEntries(), Math.min(settings.idleTimeoutNs(), 30_000_000_000L));
        for (int i = 0; i < STAGE; i++) {
            packets[i] = new DecodedPacket();
        }
        this.table = new FlowTable(settings.flowCapacity(), settings.idleTimeoutNs(), settings.activeTimeoutNs(),
                settings.closeGraceNs(), this::export);
    }

    private void export(FlowTable t, int slot, EndReason reason) {
        counters.flowsExported++;
        sink.flow(t, slot, reason);
    }

    /**
     * Meters a batch in stages of {@value #STAGE} frames: decode them all, then load the index slots and flow records
     * they will touch (independent loads the CPU overlaps), then account them one by one, in order. The flow table
     * is far larger than the caches, so without the middle step every packet of a cold flow would wait for two
     * cache misses in a row. The result is the same as metering frame by frame.
     */
    public void process(FrameBatch batch) {
        int n = batch.count();
        for (int start = 0; start < n; start += STAGE) {
            int end = Math.min(n, start + STAGE);
            decode(batch, start, end);
            warm(end - start);
            account(batch, start, end);
        }
    }

    private void decode(FrameBatch batch, int start, int end) {
        MemorySegment data = batch.data();
        for (int i = start; i < end; i++) {
            results[i - start] = decoder.decode(data, batch.offset(i), batch.capturedLength(i), batch.linkType(i), packets[i - start]);
        }
    }

    /** Three loops, so that no branch waits for a cache miss and many misses are in flight at once. */
    private void warm(int count) {
        FlowTable t = table;
        for (int j = 0; j < count; j++) {
            hashes[j] = results[j] == PacketDecoder.OK ? FlowTable.flowHash(packets[j]) : 0;
        }
        for (int j = 0; j < count; j++) {
            hints[j] = t.prefetchIndex(hashes[j]);
        }
        long touched = 0;
        for (int j = 0; j < count; j++) {
            touched += t.prefetchRecord(hashes[j], hints[j]);
        }
        warmed += touched; // keeps the loads
    }

    private void account(FrameBatch batch, int start, int end) {
        boolean sampling = settings.sampling();
        for (int i = start; i < end; i++) {
            long ts = batch.timestampNanos(i);
            if (ts == Long.MIN_VALUE) {
                ts = now == Long.MIN_VALUE ? 0 : now; // pcapng simple packet block: no timestamp of its own
            }
            advanceClock(ts);
            int wire = batch.wireLength(i);
            counters.packets++;
            counters.bytes += wire;
            int result = results[i - start];
            if (result != PacketDecoder.OK) {
                if (result == PacketDecoder.NOT_IP) {
                    counters.notIp++;
                } else {
                    counters.malformed[result]++;
                }
                continue;
            }
            DecodedPacket packet = packets[i - start];
            long hash = hashes[i - start];
            if (packet.fragment) {
                fragments.resolve(packet, ts);
                hash = FlowTable.flowHash(packet); // a later fragment just got its ports
            }
            int slot = table.update(packet, hash, ts, wire);
            if (sampling && packet.payloadCaptured > 0) {
                sample(batch, slot, ts, packet);
            }
        }
    }

    private void sample(FrameBatch batch, int slot, long ts, DecodedPacket packet) {
        int dir = table.direction();
        int index = table.takeSample(slot, dir, settings.samplePacketsPerDirection());
        if (index >= 0) {
            counters.samples++;
            int captured = Math.min(packet.payloadCaptured, settings.sampleBytes());
            if (scanner != null) {
                match(slot, batch.data(), packet.payloadOffset, captured, packet.protocol);
            }
            sink.sample(table, slot, dir, index, ts, batch.data(), packet.payloadOffset, captured, packet.payloadLength,
                    sampleIds);
        }
    }

    private void match(int slot, MemorySegment data, long offset, int length, int l4proto) {
        MatchedIds ids = sampleIds;
        ids.clear();
        if (nativeScan && data.isNative()) {
            scanner.scanNative(data.address() + offset, length, l4proto, ids); // within the batch's segment: checked by the decoder
        } else {
            MemorySegment.copy(data, offset, sampleSegment, 0, length); // segment to segment: fewer checks than to an array
            scanner.scan(sampleBytes, 0, length, l4proto, ids);
        }
        int n = ids.count();
        if (n > 0) {
            counters.samplesMatched++;
            for (int i = 0; i < n; i++) {
                if (!table.addSignature(slot, ids.id(i))) {
                    counters.signatureIdsDropped++;
                }
            }
        }
    }

    private void advanceClock(long ts) {
        if (ts <= now) {
            return; // capture time never runs backwards (reordered frames, or a next file that starts earlier)
        }
        now = ts;
        if (nextSweep == Long.MIN_VALUE) {
            nextSweep = ts + settings.flushIntervalNs();
        } else if (ts >= nextSweep) {
            table.sweep(ts);
            cycles.cycleEnded(this, nextSweep, false);
            nextSweep = ts - nextSweep >= settings.flushIntervalNs() ? ts + settings.flushIntervalNs() : nextSweep + settings.flushIntervalNs();
        }
    }

    /**
     * Advances capture time without a frame: a live source calls this with the wall clock when its poll times out, so
     * idle flows still expire and stats cycles still end on a quiet link. Never moves the clock backwards.
     */
    public void tick(long nowNs) {
        advanceClock(nowNs);
    }

    /** Ends every flow (end of input or shutdown) and closes the last stats cycle. */
    public void finish(EndReason reason) {
        table.flushAll(reason);
        cycles.cycleEnded(this, now == Long.MIN_VALUE ? 0 : now, true);
    }

    public MeterCounters counters() {
        return counters;
    }

    public FlowTable table() {
        return table;
    }

    public long fragmentsUnmatched() {
        return fragments.unmatched();
    }

    public long captureTimeNs() {
        return now;
    }
}
