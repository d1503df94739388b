package io.tapflow.agent.source.live;

import io.tapflow.agent.source.FrameBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A TPACKET_V3 receive ring mapped from an AF_PACKET socket: blocks the kernel fills with frames and hands to us by
 * setting their status to TP_STATUS_USER; we give a block back by setting TP_STATUS_KERNEL. Frames are decoded where
 * they lie: {@link #fill} points the batch at the whole ring and adds each frame's MAC offset.
 * <pre>
 * block descriptor (tpacket_block_desc + tpacket_hdr_v1)     frame header (tpacket3_hdr)
 * 0  version                                                  0  tp_next_offset
 * 4  offset_to_priv                                           4  tp_sec
 * 8  block_status   TP_STATUS_KERNEL 0 / TP_STATUS_USER 1     8  tp_nsec
 * 12 num_pkts                                                 12 tp_snaplen   (captured)
 * 16 offset_to_first_pkt                                      16 tp_len       (on the wire)
 * 20 blk_len                                                  20 tp_status    (VLAN_VALID 0x10, VLAN_TPID_VALID 0x40)
 * 24 seq_num (u64)                                            24 tp_mac (u16), 26 tp_net (u16)
 *                                                             28 tp_rxhash, 32 tp_vlan_tci, 36 tp_vlan_tpid (u16)
 * </pre>
 * A block is given back only on the call after the one that handed out its last frame: the meter reads the frames
 * (and payload samples) of a batch before it asks for the next one.
 */
final class TpacketV3Ring {
    /** 256 KiB: a 64 KiB frame fits, and the kernel finds the contiguous pages even on a fragmented host. */
    static final int BLOCK_SIZE = 1 << 18;
    /** V3 frames are variable-sized; the kernel only checks that blocks are a multiple of this. */
    static final int FRAME_SIZE = 2048;
    /** A block that is not full goes to user space after this long, so a quiet link is still metered promptly. */
    static final int RETIRE_TIMEOUT_MS = 10;
    /** Headroom before each frame to put back a VLAN tag the kernel took out (as libpcap does). */
    static final int RESERVE = 4;

    private static final int BLOCK_STATUS = 8;
    private static final int NUM_PKTS = 12;
    private static final int OFFSET_TO_FIRST_PKT = 16;
    private static final int TP_NEXT_OFFSET = 0;
    private static final int TP_SEC = 4;
    private static final int TP_NSEC = 8;
    private static final int TP_SNAPLEN = 12;
    private static final int TP_LEN = 16;
    private static final int TP_STATUS = 20;
    private static final int TP_MAC = 24;
    private static final int TP_VLAN_TCI = 32;
    private static final int TP_VLAN_TPID = 36;
    /** sockaddr_ll follows the 48-byte frame header; its sll_pkttype byte is at offset 10. */
    private static final int SLL_PKTTYPE = 48 + 10;
    private static final int PACKET_OUTGOING = 4;
    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;
    private static final int TP_STATUS_VLAN_VALID = 0x10;
    private static final int TP_STATUS_VLAN_TPID_VALID = 0x40;
    private static final int ETH_ADDRESSES = 12;
    private static final int VLAN_TAG = 4;
    private static final int ETH_P_8021Q = 0x8100;
    private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment ring;
    private final int blockCount;
    private final int linkType;
    private final boolean skipOutgoing;
    /** The block the next frame comes from. */
    private int current;
    /** Frames of {@link #current} not handed out yet; 0 = the block has not been opened. */
    private int framesLeft;
    private long nextFrame;
    /** Blocks fully handed out by the last call, starting at {@link #firstUnreleased}: released on the next call. */
    private int completed;
    private int firstUnreleased;

    /**
     * @param skipOutgoing drop the copies of frames this host sends: on loopback every frame is also received, so each
     *                     would count twice (libpcap does the same)
     */
    TpacketV3Ring(MemorySegment ring, int blockCount, int linkType, boolean skipOutgoing) {
        if (ring.byteSize() != (long) blockCount * BLOCK_SIZE) {
            throw new IllegalArgumentException("ring of " + ring.byteSize() + " bytes is not " + blockCount + " blocks of " + BLOCK_SIZE);
        }
        this.ring = ring;
        this.blockCount = blockCount;
        this.linkType = linkType;
        this.skipOutgoing = skipOutgoing;
    }

    /** Blocks for a ring of {@code ringBytes}, at least 4 so the kernel can fill some while we read others. */
    static int blocksFor(long ringBytes) {
        return (int) Math.max(4, ringBytes / BLOCK_SIZE);
    }

    /** Whether a frame is waiting (no need to poll). */
    boolean ready() {
        return framesLeft > 0 || userOwns(current);
    }

    /**
     * Gives back the blocks handed out by the previous call, then refills {@code batch} with the frames of the blocks
     * the kernel has handed over, up to the batch's capacity.
     *
     * @return the frames in the batch; 0 when no block is ready
     */
    int fill(FrameBatch batch) {
        releaseCompleted();
        batch.reset(ring);
        while (!batch.isFull()) {
            if (framesLeft == 0) {
                if (!userOwns(current)) {
                    break;
                }
                long block = blockOffset(current);
                framesLeft = ring.get(U32, block + NUM_PKTS);
                nextFrame = block + ring.get(U32, block + OFFSET_TO_FIRST_PKT);
                if (framesLeft == 0) { // an empty block retired by the timer: nothing to read, give it back later
                    completeBlock();
                    continue;
                }
            }
            while (framesLeft > 0 && !batch.isFull()) {
                long frame = nextFrame;
                addFrame(batch, frame);
                nextFrame = frame + ring.get(U32, frame + TP_NEXT_OFFSET);
                framesLeft--;
            }
            if (framesLeft == 0) {
                completeBlock();
            }
        }
        return batch.count();
    }

    private void completeBlock() {
        completed++;
        current = current + 1 == blockCount ? 0 : current + 1;
    }

    private void releaseCompleted() {
        for (int i = 0; i < completed; i++) {
            STATUS.setRelease(ring, blockOffset(firstUnreleased) + BLOCK_STATUS, TP_STATUS_KERNEL);
            firstUnreleased = firstUnreleased + 1 == blockCount ? 0 : firstUnreleased + 1;
        }
        completed = 0;
    }

    private void addFrame(FrameBatch batch, long frame) {
        if (skipOutgoing && ring.get(ValueLayout.JAVA_BYTE, frame + SLL_PKTTYPE) == PACKET_OUTGOING) {
            return;
        }
        long ts = (ring.get(U32, frame + TP_SEC) & 0xFFFF_FFFFL) * 1_000_000_000L + (ring.get(U32, frame + TP_NSEC) & 0xFFFF_FFFFL);
        int captured = ring.get(U32, frame + TP_SNAPLEN);
        int wire = ring.get(U32, frame + TP_LEN);
        long mac = frame + (ring.get(U16, frame + TP_MAC) & 0xFFFF);
        int status = ring.get(U32, frame + TP_STATUS);
        if ((status & TP_STATUS_VLAN_VALID) != 0 && captured >= ETH_ADDRESSES) {
            // The kernel moved the outer 802.1Q tag out of the frame; put it back so the frame is what was on the wire.
            int tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? ring.get(U16, frame + TP_VLAN_TPID) & 0xFFFF : ETH_P_8021Q;
            int tci = ring.get(U32, frame + TP_VLAN_TCI) & 0xFFFF;
            MemorySegment.copy(ring, mac, ring, mac - VLAN_TAG, ETH_ADDRESSES);
            mac -= VLAN_TAG;
            ring.set(BE16, mac + ETH_ADDRESSES, (short) tpid);
            ring.set(BE16, mac + ETH_ADDRESSES + 2, (short) tci);
            captured += VLAN_TAG;
            wire += VLAN_TAG;
        }
        batch.add(mac, captured, Math.max(wire, captured), ts, linkType);
    }

    private boolean userOwns(int block) {
        return ((int) STATUS.getAcquire(ring, blockOffset(block) + BLOCK_STATUS) & TP_STATUS_USER) != 0;
    }

    private static long blockOffset(int block) {
        return (long) block * BLOCK_SIZE;
    }
}
