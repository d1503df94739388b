package io.tapflow.agent.flow;

import io.tapflow.agent.decode.DecodedPacket;
import io.tapflow.schema.EndReason;
import java.util.Arrays;

/**
 * Bidirectional flow table with a fixed capacity, preallocated at start: A→B and B→A are one flow, counters are kept
 * per direction, and the initiator (source of the first packet) is the flow's "src".
 *
 * <p>Flows live in one {@code long[]} of fixed-size records ({@value #STRIDE} longs = 112 bytes each); an
 * open-addressing index ({@code int[]}, linear probing, load factor at most 0.5, backward-shift deletion) maps a
 * symmetric hash of the key to the record. An index entry is the record's slot + 1 in its low bits and, in the bits
 * the capacity leaves free, a tag taken from the top of the hash: a probe skips most other flows' entries without
 * reading their records, which are cache misses in a large table. Up to {@value #SIGNATURES_PER_FLOW} signature ids
 * per flow (8 bytes) live in a separate array that only flows with matched samples touch. Total: 128 bytes per flow
 * of capacity (a power of two), 120 to 136 otherwise. Nothing is allocated per packet. Single-threaded: one table
 * per capture thread.
 *
 * <p>Time is capture time (nanoseconds), so replaying a file gives the flows live capture would: a flow idle longer
 * than the idle timeout ends (and a later packet starts a new flow), a flow older than the active timeout is exported
 * as a slice and goes on, and a TCP flow that saw FIN both ways or a RST ends once the close grace has passed or when
 * a new SYN reuses its 5-tuple. When the table is full, the least recently seen of a few sampled flows is evicted.
 */
public final class FlowTable {
    // Record layout, in longs.
    static final int SRC_HI = 0;
    static final int SRC_LO = 1;
    static final int DST_HI = 2;
    static final int DST_LO = 3;
    /** src port 16 | dst port 16 | protocol 8 | outer VLAN 12 | inner VLAN 12. */
    static final int KEY = 4;
    static final int FIRST_NS = 5;
    static final int LAST_NS = 6;
    static final int PACKETS_FWD = 7;
    static final int PACKETS_REV = 8;
    static final int BYTES_FWD = 9;
    static final int BYTES_REV = 10;
    /** flags fwd 8 | flags rev 8 | ttl min 8 | ttl max 8 | tunnel 4 | FIN fwd | FIN rev | RST | in use | samples fwd 4 | samples rev 4 | MPLS depth 8 | samples before this slice 8. */
    static final int MISC = 11;
    /** Flow sequence number of the current record; when the slot is free, the next free slot. */
    static final int SEQ = 12;
    /** MPLS top label + 1 (0 = none) 21 bits | signature ids 4 | ids dropped 1 | reserved 6 | fragments 32. */
    static final int EXTRA = 13;
    static final int STRIDE = 14;

    private static final long FIN_FWD = 1L << 36;
    private static final long FIN_REV = 1L << 37;
    private static final long RST = 1L << 38;
    private static final long IN_USE = 1L << 39;
    private static final int SAMPLES_FWD_SHIFT = 40;
    private static final int SAMPLES_REV_SHIFT = 44;
    private static final int MPLS_DEPTH_SHIFT = 48;
    /** Samples taken under earlier slices' flow_seq: the per-direction counts run on across active-timeout slices. */
    private static final int SAMPLES_BASE_SHIFT = 56;
    /** In EXTRA, whose low 32 bits a slice keeps: the ids describe the whole flow. */
    private static final int SIGNATURES_SHIFT = 21;
    private static final long SIGNATURES_DROPPED = 1L << 25;
    /**
     * Distinct signature ids a flow keeps (the union over its payload samples, first matched first); more are flagged
     * and counted, not kept (the samples carry all of theirs). Four 16-bit ids keep a flow within 128 bytes.
     */
    public static final int SIGNATURES_PER_FLOW = 4;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;
    private static final int EVICTION_SAMPLE = 8;
    private static final int NONE = -1;

    /** The records of all flows live in one {@code long[]}: capacity * STRIDE must stay a valid array length. */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) / STRIDE;

    public static final int FORWARD = 0;
    public static final int REVERSE = 1;

    private final long[] records;
    /**
     * {@value #SIGNATURES_PER_FLOW} signature ids (16 bits each) per slot, apart from the records: only flows whose
     * samples matched touch it, and the count in EXTRA says how many are valid, so a new flow needs no clearing.
     */
    private final char[] signatures;
    private final int[] index;
    private final int indexMask;
    /** Index entry: tag (the top {@code 32 - slotBits} bits of the hash) | slot + 1 (the low {@code slotBits} bits). */
    private final int slotBits;
    private final int slotMask;
    private final int capacity;
    private final long idleTimeoutNs;
    private final long activeTimeoutNs;
    private final long closeGraceNs;
    private final FlowExpiry expiry;
    private int size;
    private int freeHead = NONE;
    private int highWater;
    private int evictionCursor;
    private long nextSeq = 1;
    private long seqStride = 1;
    private long created;
    private long evicted;
    private int direction;

    /**
     * Numbers this table's flows first, first + stride, ...: the tables of several capture threads of one agent then
     * hand out disjoint flow sequence numbers, which identify records together with the agent id and start time.
     */
    public void numberFlows(long first, int stride) {
        if (first < 1 || stride < 1) {
            throw new IllegalArgumentException("flow numbering must start at >= 1 with a stride >= 1: " + first + ", " + stride);
        }
        nextSeq = first;
        seqStride = stride;
    }

    private long nextSeqAndAdvance() {
        long seq = nextSeq;
        nextSeq += seqStride;
        return seq;
    }

    public FlowTable(int capacity, long idleTimeoutNs, long activeTimeoutNs, long closeGraceNs, FlowExpiry expiry) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("flow table capacity must be between 1 and " + MAX_CAPACITY + ": " + capacity);
        }
        this.capacity = capacity;
        this.records = new long[capacity * STRIDE];
        this.signatures = new char[capacity * SIGNATURES_PER_FLOW];
        int slots = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        this.index = new int[slots];
        this.indexMask = slots - 1;
        this.slotBits = 32 - Integer.numberOfLeadingZeros(capacity); // slot + 1 <= capacity; at most 30 bits
        this.slotMask = (1 << slotBits) - 1;
        this.idleTimeoutNs = idleTimeoutNs;
        this.activeTimeoutNs = activeTimeoutNs;
        this.closeGraceNs = closeGraceNs;
        this.expiry = expiry;
    }

    /** Bytes of memory the table holds, whatever its fill. */
    public long memoryBytes() {
        return (long) records.length * Long.BYTES + (long) index.length * Integer.BYTES + (long) signatures.length * Character.BYTES;
    }

    /**
     * Accounts one packet to its flow, creating the flow if needed.
     *
     * @return the flow's slot; {@link #direction()} tells whether the packet went forward or in reverse
     */
    public int update(DecodedPacket p, long tsNs, int frameBytes) {
        return update(p, flowHash(p), tsNs, frameBytes);
    }

    /**
     * {@link #update(DecodedPacket, long, int)} with the packet's {@link #flowHash} already computed (for
     * {@link #prefetchIndex}); it must be the hash of the packet as it is now.
     */
    public int update(DecodedPacket p, long hash, long tsNs, int frameBytes) {
        long fwdKey = key(p.srcPort, p.dstPort, p.protocol, p.vlanOuter, p.vlanInner);
        int slot = find(hash, p.srcHi, p.srcLo, p.dstHi, p.dstLo, fwdKey);
        if (slot != NONE) {
            int base = slot * STRIDE;
            long misc = records[base + MISC];
            boolean closed = (misc & (RST | FIN_FWD | FIN_REV)) == RST || (misc & (FIN_FWD | FIN_REV)) == (FIN_FWD | FIN_REV);
            boolean newSyn = p.protocol == 6 && (p.tcpFlags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
            boolean slice = records[base + PACKETS_FWD] + records[base + PACKETS_REV] > 0;
            if (slice && tsNs - records[base + LAST_NS] > idleTimeoutNs) {
                end(slot, EndReason.IDLE_TIMEOUT);
                slot = NONE;
            } else if (closed && newSyn && slice) {
                end(slot, (misc & RST) != 0 ? EndReason.TCP_RST : EndReason.TCP_FIN);
                slot = NONE;
            }
        }
        if (slot == NONE) {
            slot = create(hash, p, fwdKey, tsNs);
            direction = FORWARD;
        }
        account(slot, p, tsNs, frameBytes);
        return slot;
    }

    /** The symmetric hash that places the packet's flow in the index (both directions hash alike). */
    public static long flowHash(DecodedPacket p) {
        return hash(p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort,
                key(p.srcPort, p.dstPort, p.protocol, p.vlanOuter, p.vlanInner));
    }

    /**
     * First half of warming the table for a packet about to be {@link #update updated}: loads the index slot its
     * flow's hash leads to. No branch depends on the load, so a loop of these keeps many cache misses in flight.
     * Changes nothing; calling it or not gives the same results, only sooner.
     *
     * @param hash the packet's {@link #flowHash}
     * @return the entry in the flow's home slot, for {@link #prefetchRecord}
     */
    public int prefetchIndex(long hash) {
        return index[(int) hash & indexMask];
    }

    /**
     * Second half: finds the flow's entry from its home slot on (now in cache) by tag, and loads the cache lines of
     * the record it points at.
     *
     * @param homeEntry what {@link #prefetchIndex} returned for {@code hash}
     * @return a value derived from the loads, for the caller to keep so the loads are not optimised away
     */
    public long prefetchRecord(long hash, int homeEntry) {
        int tag = tag(hash);
        int entry = homeEntry;
        for (int n = 0, i = (int) hash & indexMask; ; ) {
            if (entry == 0) {
                return 0;
            }
            if ((entry & ~slotMask) == tag) {
                break;
            }
            if (++n == 4) {
                return 0;
            }
            i = (i + 1) & indexMask;
            entry = index[i];
        }
        int base = ((entry & slotMask) - 1) * STRIDE;
        long[] rec = records;
        return rec[base + SRC_HI] + rec[base + LAST_NS] + rec[base + MISC]; // the lines find() and account() touch
    }

    /** The tag bits of an index entry for {@code hash}. */
    private int tag(long hash) {
        return (int) (hash >>> 32) & ~slotMask;
    }

    public int direction() {
        return direction;
    }

    private int find(long hash, long srcHi, long srcLo, long dstHi, long dstLo, long fwdKey) {
        long revKey = swapPorts(fwdKey);
        int[] idx = index;
        long[] rec = records;
        int tag = tag(hash);
        for (int i = (int) hash & indexMask; ; i = (i + 1) & indexMask) {
            int entry = idx[i];
            if (entry == 0) {
                return NONE;
            }
            if ((entry & ~slotMask) != tag) {
                continue; // another flow's entry: its record is not even read
            }
            entry &= slotMask;
            int base = (entry - 1) * STRIDE;
            long k = rec[base + KEY];
            long sLo = rec[base + SRC_LO];
            long dLo = rec[base + DST_LO];
            long sHi = rec[base + SRC_HI];
            long dHi = rec[base + DST_HI];
            // Both directions compared without a branch each: which one matches is a coin toss the CPU cannot predict.
            boolean forward = ((k ^ fwdKey) | (sLo ^ srcLo) | (dLo ^ dstLo) | (sHi ^ srcHi) | (dHi ^ dstHi)) == 0;
            boolean reverse = ((k ^ revKey) | (sLo ^ dstLo) | (dLo ^ srcLo) | (sHi ^ dstHi) | (dHi ^ srcHi)) == 0;
            if (forward | reverse) {
                direction = forward ? FORWARD : REVERSE;
                return entry - 1;
            }
        }
    }

    private int create(long hash, DecodedPacket p, long fwdKey, long tsNs) {
        if (size == capacity) {
            evictOne();
        }
        int slot;
        if (freeHead != NONE) {
            slot = freeHead;
            freeHead = (int) records[slot * STRIDE + SEQ];
        } else {
            slot = highWater++;
        }
        int base = slot * STRIDE;
        records[base + SRC_HI] = p.srcHi;
        records[base + SRC_LO] = p.srcLo;
        records[base + DST_HI] = p.dstHi;
        records[base + DST_LO] = p.dstLo;
        records[base + KEY] = fwdKey;
        records[base + FIRST_NS] = tsNs;
        records[base + LAST_NS] = tsNs;
        records[base + PACKETS_FWD] = 0;
        records[base + PACKETS_REV] = 0;
        records[base + BYTES_FWD] = 0;
        records[base + BYTES_REV] = 0;
        records[base + MISC] = IN_USE | (0xFFL << 16) | ((long) (p.tunnelType & 0xF) << 32)
                | ((long) Math.min(p.mplsDepth, 255) << MPLS_DEPTH_SHIFT);
        records[base + SEQ] = nextSeqAndAdvance();
        records[base + EXTRA] = p.mplsLabel >= 0 ? (p.mplsLabel + 1L) & 0x1F_FFFF : 0;
        int i = (int) hash & indexMask;
        while (index[i] != 0) {
            i = (i + 1) & indexMask;
        }
        index[i] = tag(hash) | (slot + 1);
        size++;
        created++;
        return slot;
    }

    private void account(int slot, DecodedPacket p, long tsNs, int frameBytes) {
        int base = slot * STRIDE;
        long[] rec = records;
        boolean fwd = direction == FORWARD;
        if (rec[base + PACKETS_FWD] + rec[base + PACKETS_REV] == 0) {
            rec[base + FIRST_NS] = tsNs; // first packet of a new flow or of a new active-timeout slice
        }
        rec[base + (fwd ? PACKETS_FWD : PACKETS_REV)]++;
        rec[base + (fwd ? BYTES_FWD : BYTES_REV)] += frameBytes;
        if (tsNs > rec[base + LAST_NS]) {
            rec[base + LAST_NS] = tsNs;
        }
        long misc = rec[base + MISC];
        int flags = p.tcpFlags;
        misc |= fwd ? flags : (long) flags << 8;
        int ttl = p.ttl;
        long ttlMin = (misc >>> 16) & 0xFF;
        long ttlMax = (misc >>> 24) & 0xFF;
        if (ttl < ttlMin) {
            misc = (misc & ~(0xFFL << 16)) | ((long) ttl << 16);
        }
        if (ttl > ttlMax) {
            misc = (misc & ~(0xFFL << 24)) | ((long) ttl << 24);
        }
        if (p.protocol == 6) {
            if ((flags & TCP_FIN) != 0) {
                misc |= fwd ? FIN_FWD : FIN_REV;
            }
            if ((flags & TCP_RST) != 0) {
                misc |= RST;
            }
        }
        rec[base + MISC] = misc;
        if (p.fragment) {
            rec[base + EXTRA] += 1L << 32;
        }
    }

    /**
     * Takes one payload sample for the packet just accounted, if its direction has taken fewer than {@code perDirection}.
     *
     * @return the packet's 0-based index within the flow, or -1 when no sample is due
     */
    public int takeSample(int slot, int dir, int perDirection) {
        // Asked for nearly every packet and nearly always "no": the test is kept tiny so that it inlines.
        int shift = SAMPLES_FWD_SHIFT + 4 * dir; // SAMPLES_REV_SHIFT for REVERSE
        long misc = records[slot * STRIDE + MISC];
        return ((int) (misc >>> shift) & 0xF) >= perDirection ? -1 : recordSample(slot, shift, misc);
    }

    private int recordSample(int slot, int shift, long misc) {
        int base = slot * STRIDE;
        int taken = (int) (misc >>> shift) & 0xF;
        records[base + MISC] = (misc & ~(0xFL << shift)) | ((long) (taken + 1) << shift);
        return (int) (records[base + PACKETS_FWD] + records[base + PACKETS_REV] - 1);
    }

    /**
     * Adds a signature id (1..65535) the pattern matcher found in one of the flow's samples, unless the flow has it.
     *
     * @return false when the flow already keeps {@value #SIGNATURES_PER_FLOW} other ids and drops this one
     */
    public boolean addSignature(int slot, int id) {
        int base = slot * STRIDE;
        long extra = records[base + EXTRA];
        int n = (int) (extra >>> SIGNATURES_SHIFT) & 0xF;
        int at = slot * SIGNATURES_PER_FLOW;
        for (int i = 0; i < n; i++) {
            if (signatures[at + i] == id) {
                return true;
            }
        }
        if (n == SIGNATURES_PER_FLOW) {
            records[base + EXTRA] = extra | SIGNATURES_DROPPED;
            return false;
        }
        signatures[at + n] = (char) id;
        records[base + EXTRA] = (extra & ~(0xFL << SIGNATURES_SHIFT)) | ((long) (n + 1) << SIGNATURES_SHIFT);
        return true;
    }

    /** Distinct signature ids the flow's samples matched, at most {@value #SIGNATURES_PER_FLOW}. */
    public int signatureCount(int slot) {
        return (int) (records[slot * STRIDE + EXTRA] >>> SIGNATURES_SHIFT) & 0xF;
    }

    /** The {@code i}th signature id of the flow, in the order first matched. */
    public int signatureId(int slot, int i) {
        return signatures[slot * SIGNATURES_PER_FLOW + i];
    }

    /** Whether the flow matched more distinct signatures than it keeps. */
    public boolean signaturesDropped(int slot) {
        return (records[slot * STRIDE + EXTRA] & SIGNATURES_DROPPED) != 0;
    }

    /** Ends idle and closed flows and slices flows older than the active timeout. Runs once per flush cycle. */
    public void sweep(long nowNs) {
        long[] rec = records;
        for (int slot = 0; slot < highWater; slot++) {
            int base = slot * STRIDE;
            long misc = rec[base + MISC];
            if ((misc & IN_USE) == 0) {
                continue;
            }
            long packets = rec[base + PACKETS_FWD] + rec[base + PACKETS_REV];
            long idle = nowNs - rec[base + LAST_NS];
            if (packets == 0) {
                if (idle > idleTimeoutNs) {
                    free(slot); // an empty slice after an active timeout: nothing to export
                }
                continue;
            }
            boolean rst = (misc & RST) != 0;
            boolean finBoth = (misc & (FIN_FWD | FIN_REV)) == (FIN_FWD | FIN_REV);
            if ((rst || finBoth) && idle > closeGraceNs) {
                end(slot, rst ? EndReason.TCP_RST : EndReason.TCP_FIN);
            } else if (idle > idleTimeoutNs) {
                end(slot, EndReason.IDLE_TIMEOUT);
            } else if (nowNs - rec[base + FIRST_NS] > activeTimeoutNs) {
                expiry.expired(this, slot, EndReason.ACTIVE_TIMEOUT);
                rec[base + PACKETS_FWD] = 0;
                rec[base + PACKETS_REV] = 0;
                rec[base + BYTES_FWD] = 0;
                rec[base + BYTES_REV] = 0;
                long taken = ((misc >>> SAMPLES_FWD_SHIFT) & 0xF) + ((misc >>> SAMPLES_REV_SHIFT) & 0xF);
                rec[base + MISC] = (misc & (0xFL << 32 | IN_USE | 0xFFL << MPLS_DEPTH_SHIFT | 0xFFL << SAMPLES_FWD_SHIFT))
                        | (0xFFL << 16) | taken << SAMPLES_BASE_SHIFT;
                rec[base + EXTRA] &= 0xFFFF_FFFFL;
                rec[base + SEQ] = nextSeqAndAdvance();
            }
        }
    }

    /**
     * Ends every flow (end of input, shutdown). The index is cleared at once at the end rather than flow by flow, which
     * would cost a few cache misses per flow; the exporter sees the same flows, in the same order.
     */
    public void flushAll(EndReason reason) {
        long[] rec = records;
        try {
            for (int slot = 0; slot < highWater; slot++) {
                int base = slot * STRIDE;
                if ((rec[base + MISC] & IN_USE) == 0) {
                    continue;
                }
                if (rec[base + PACKETS_FWD] + rec[base + PACKETS_REV] != 0) {
                    expiry.expired(this, slot, reason);
                }
                rec[base + MISC] = 0;
                rec[base + SEQ] = freeHead;
                freeHead = slot;
                size--;
            }
        } finally {
            Arrays.fill(index, 0);
            reindex(); // nothing to do unless the exporter threw, leaving some flows in use
        }
    }

    /** Puts every flow in use back into the (empty) index. */
    private void reindex() {
        long[] rec = records;
        for (int slot = 0; slot < highWater && size > 0; slot++) {
            int base = slot * STRIDE;
            if ((rec[base + MISC] & IN_USE) == 0) {
                continue;
            }
            long key = rec[base + KEY];
            long hash = hash(rec[base + SRC_HI], rec[base + SRC_LO], (int) (key >>> 48), rec[base + DST_HI], rec[base + DST_LO],
                    (int) (key >>> 32) & 0xFFFF, key);
            int i = (int) hash & indexMask;
            while (index[i] != 0) {
                i = (i + 1) & indexMask;
            }
            index[i] = tag(hash) | (slot + 1);
        }
    }

    private void evictOne() {
        int victim = NONE;
        long oldest = Long.MAX_VALUE;
        for (int n = 0; n < EVICTION_SAMPLE; n++) {
            int slot = evictionCursor;
            evictionCursor = (evictionCursor + 1) % highWater;
            long last = records[slot * STRIDE + LAST_NS];
            if ((records[slot * STRIDE + MISC] & IN_USE) != 0 && last < oldest) {
                oldest = last;
                victim = slot;
            }
        }
        if (victim == NONE) { // the sample was all free slots: cannot happen when full, but stay safe
            for (int slot = 0; slot < highWater && victim == NONE; slot++) {
                if ((records[slot * STRIDE + MISC] & IN_USE) != 0) {
                    victim = slot;
                }
            }
        }
        evicted++;
        if (records[victim * STRIDE + PACKETS_FWD] + records[victim * STRIDE + PACKETS_REV] == 0) {
            free(victim);
        } else {
            end(victim, EndReason.EVICTED);
        }
    }

    private void end(int slot, EndReason reason) {
        expiry.expired(this, slot, reason);
        free(slot);
    }

    private void free(int slot) {
        int base = slot * STRIDE;
        removeFromIndex(slot, base);
        records[base + MISC] = 0;
        records[base + SEQ] = freeHead;
        freeHead = slot;
        size--;
    }

    private void removeFromIndex(int slot, int base) {
        long[] rec = records;
        long key = rec[base + KEY];
        int i = (int) hash(rec[base + SRC_HI], rec[base + SRC_LO], (int) (key >>> 48), rec[base + DST_HI], rec[base + DST_LO],
                (int) (key >>> 32) & 0xFFFF, key) & indexMask;
        while ((index[i] & slotMask) != slot + 1) {
            if (index[i] == 0) {
                throw new IllegalStateException("flow table index lost slot " + slot);
            }
            i = (i + 1) & indexMask;
        }
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        int hole = i;
        for (int j = (hole + 1) & indexMask; index[j] != 0; j = (j + 1) & indexMask) {
            int b = ((index[j] & slotMask) - 1) * STRIDE;
            long k = rec[b + KEY];
            int home = (int) hash(rec[b + SRC_HI], rec[b + SRC_LO], (int) (k >>> 48), rec[b + DST_HI], rec[b + DST_LO],
                    (int) (k >>> 32) & 0xFFFF, k) & indexMask;
            if (((j - home) & indexMask) >= ((j - hole) & indexMask)) {
                index[hole] = index[j];
                hole = j;
            }
        }
        index[hole] = 0;
    }

    static long key(int srcPort, int dstPort, int protocol, int vlanOuter, int vlanInner) {
        return ((long) srcPort << 48) | ((long) dstPort << 32) | ((long) protocol << 24) | ((long) vlanOuter << 12) | vlanInner;
    }

    private static long swapPorts(long key) {
        return (key & 0xFFFF_FFFFL) | ((key >>> 48) << 32) | (((key >>> 32) & 0xFFFF) << 48);
    }

    /**
     * Symmetric in the two endpoints, so both directions of a flow hash alike: each endpoint is folded into one long
     * (exactly, for IPv4: the port goes into the 16 bits the mapped address leaves zero), the two are put in order,
     * and one 64x64->128-bit multiply mixes them with the protocol and VLANs. The index takes the slot from the low
     * bits and the tag from the top bits; both halves of the product depend on every input bit. This is a third of the
     * multiplies of mixing each endpoint and then the pair, and it runs for every packet.
     */
    public static long hash(long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort, long key) {
        long a = srcLo ^ ((long) srcPort << 48) ^ srcHi * 0x9E3779B97F4A7C15L;
        long b = dstLo ^ ((long) dstPort << 48) ^ dstHi * 0x9E3779B97F4A7C15L;
        long x = Math.min(a, b) ^ 0xA0761D6478BD642FL;
        long y = Math.max(a, b) ^ (key & 0xFFFF_FFFFL) ^ 0xE7037ED1A0B428DBL;
        return x * y ^ Math.unsignedMultiplyHigh(x, y);
    }

    // Read access for exporters (slot is valid during FlowExpiry callbacks and right after update()).

    public long srcHi(int slot) { return records[slot * STRIDE + SRC_HI]; }
    public long srcLo(int slot) { return records[slot * STRIDE + SRC_LO]; }
    public long dstHi(int slot) { return records[slot * STRIDE + DST_HI]; }
    public long dstLo(int slot) { return records[slot * STRIDE + DST_LO]; }
    public int srcPort(int slot) { return (int) (records[slot * STRIDE + KEY] >>> 48); }
    public int dstPort(int slot) { return (int) (records[slot * STRIDE + KEY] >>> 32) & 0xFFFF; }
    public int protocol(int slot) { return (int) (records[slot * STRIDE + KEY] >>> 24) & 0xFF; }
    public int vlanOuter(int slot) { return (int) (records[slot * STRIDE + KEY] >>> 12) & 0xFFF; }
    public int vlanInner(int slot) { return (int) records[slot * STRIDE + KEY] & 0xFFF; }
    public int ipVersion(int slot) {
        return srcHi(slot) == 0 && (srcLo(slot) >>> 32) == 0xFFFF ? 4 : 6;
    }
    public long firstNs(int slot) { return records[slot * STRIDE + FIRST_NS]; }
    public long lastNs(int slot) { return records[slot * STRIDE + LAST_NS]; }
    public long packetsFwd(int slot) { return records[slot * STRIDE + PACKETS_FWD]; }
    public long packetsRev(int slot) { return records[slot * STRIDE + PACKETS_REV]; }
    public long bytesFwd(int slot) { return records[slot * STRIDE + BYTES_FWD]; }
    public long bytesRev(int slot) { return records[slot * STRIDE + BYTES_REV]; }
    public int tcpFlagsFwd(int slot) { return (int) records[slot * STRIDE + MISC] & 0xFF; }
    public int tcpFlagsRev(int slot) { return (int) (records[slot * STRIDE + MISC] >>> 8) & 0xFF; }
    public int ttlMin(int slot) { return (int) (records[slot * STRIDE + MISC] >>> 16) & 0xFF; }
    public int ttlMax(int slot) { return (int) (records[slot * STRIDE + MISC] >>> 24) & 0xFF; }
    public int tunnelType(int slot) { return (int) (records[slot * STRIDE + MISC] >>> 32) & 0xF; }
    public int mplsDepth(int slot) { return (int) (records[slot * STRIDE + MISC] >>> MPLS_DEPTH_SHIFT) & 0xFF; }
    /** Top MPLS label, -1 when none. */
    public int mplsLabel(int slot) { return (int) (records[slot * STRIDE + EXTRA] & 0x1F_FFFF) - 1; }
    public long fragments(int slot) { return records[slot * STRIDE + EXTRA] >>> 32; }
    public long flowSeq(int slot) { return records[slot * STRIDE + SEQ]; }

    /**
     * Payload samples taken under this slot's current flow_seq (both directions): what a consumer joining samples to
     * the flow record should expect, unless the sink dropped some.
     */
    public int samplesTaken(int slot) {
        long misc = records[slot * STRIDE + MISC];
        return (int) (((misc >>> SAMPLES_FWD_SHIFT) & 0xF) + ((misc >>> SAMPLES_REV_SHIFT) & 0xF) - (misc >>> SAMPLES_BASE_SHIFT));
    }

    public int size() { return size; }
    public int capacity() { return capacity; }
    public long created() { return created; }
    public long evicted() { return evicted; }
}
