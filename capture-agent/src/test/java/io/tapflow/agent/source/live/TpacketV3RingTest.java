package io.tapflow.agent.source.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.LinkType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The ring's bookkeeping on blocks written by hand the way the kernel writes them: no socket needed. */
class TpacketV3RingTest {
    private static final int BLOCKS = 4;
    private static final int FIRST_FRAME = 48;
    private static final int FRAME_STRIDE = 256;
    private static final int MAC = 90;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment memory = arena.allocate((long) BLOCKS * TpacketV3Ring.BLOCK_SIZE, 4096);
    private final TpacketV3Ring ring = new TpacketV3Ring(memory, BLOCKS, LinkType.ETHERNET, false);

    @Test
    void handsOutFramesInPlaceAndGivesTheBlockBackOnTheNextCall() {
        writeBlock(0, 3);
        FrameBatch batch = new FrameBatch();

        assertThat(ring.fill(batch)).isEqualTo(3);
        assertThat(batch.data()).isSameAs(memory);
        assertThat(batch.offset(0)).isEqualTo(FIRST_FRAME + MAC);
        assertThat(batch.offset(2)).isEqualTo(FIRST_FRAME + 2 * FRAME_STRIDE + MAC);
        assertThat(batch.capturedLength(1)).isEqualTo(60);
        assertThat(batch.wireLength(1)).isEqualTo(64);
        assertThat(batch.timestampNanos(1)).isEqualTo(1_700_000_001L * 1_000_000_000L + 500);
        assertThat(status(0)).as("still ours while the batch is metered").isEqualTo(1);

        assertThat(ring.fill(batch)).isZero();
        assertThat(status(0)).as("given back on the next call").isZero();
    }

    @Test
    void aBatchSmallerThanTheBlockResumesWhereItStopped() {
        writeBlock(0, 3);
        writeBlock(1, 1);
        FrameBatch batch = new FrameBatch(2);

        assertThat(ring.fill(batch)).isEqualTo(2);
        assertThat(ring.fill(batch)).isEqualTo(2); // the last frame of block 0, the first of block 1
        assertThat(batch.offset(0)).isEqualTo(FIRST_FRAME + 2 * FRAME_STRIDE + MAC);
        assertThat(batch.offset(1)).isEqualTo(TpacketV3Ring.BLOCK_SIZE + FIRST_FRAME + MAC);
        assertThat(status(0)).isEqualTo(1);
        assertThat(ring.fill(batch)).isZero();
        assertThat(status(0)).isZero();
        assertThat(status(1)).isZero();
    }

    @Test
    void putsBackTheVlanTagTheKernelTookOut() {
        writeBlock(0, 1);
        long frame = FIRST_FRAME;
        memory.set(ValueLayout.JAVA_INT, frame + 20, 0x10 | 0x40 | 1); // TP_STATUS_VLAN_VALID | VLAN_TPID_VALID | USER
        memory.set(ValueLayout.JAVA_INT, frame + 32, 0x2005);          // TCI: priority 1, VLAN 5
        memory.set(ValueLayout.JAVA_SHORT, frame + 36, (short) 0x88a8);
        FrameBatch batch = new FrameBatch();

        assertThat(ring.fill(batch)).isEqualTo(1);

        long mac = batch.offset(0);
        assertThat(mac).isEqualTo(frame + MAC - 4);
        assertThat(batch.capturedLength(0)).isEqualTo(64);
        assertThat(batch.wireLength(0)).isEqualTo(68);
        for (int i = 0; i < 12; i++) {
            assertThat(memory.get(ValueLayout.JAVA_BYTE, mac + i)).as("MAC byte %d", i).isEqualTo((byte) (0xA0 + i));
        }
        ValueLayout.OfShort be = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
        assertThat(memory.get(be, mac + 12)).isEqualTo((short) 0x88a8);
        assertThat(memory.get(be, mac + 14)).isEqualTo((short) 0x2005);
        assertThat(memory.get(be, mac + 16)).as("the original EtherType follows the tag").isEqualTo((short) 0x0800);
    }

    @Test
    void anEmptyBlockRetiredByTheTimerIsSkippedAndGivenBack() {
        writeBlock(0, 0);
        writeBlock(1, 1);
        FrameBatch batch = new FrameBatch();
        assertThat(ring.fill(batch)).isEqualTo(1);
        assertThat(ring.fill(batch)).isZero();
        assertThat(status(0)).isZero();
        assertThat(status(1)).isZero();
    }

    @Test
    void onLoopbackTheOutgoingCopyOfEachFrameIsLeftOut() {
        TpacketV3Ring loopback = new TpacketV3Ring(memory, BLOCKS, LinkType.ETHERNET, true);
        writeBlock(0, 3);
        memory.set(ValueLayout.JAVA_BYTE, FIRST_FRAME + FRAME_STRIDE + 58, (byte) 4); // sll_pkttype PACKET_OUTGOING
        FrameBatch batch = new FrameBatch();
        assertThat(loopback.fill(batch)).isEqualTo(2);
        assertThat(batch.offset(1)).isEqualTo(FIRST_FRAME + 2 * FRAME_STRIDE + MAC);
    }

    /** Reading the ring allocates nothing: blocks handed over again and again, with VLAN tags put back every time. */
    @Test
    void readingTheRingAllocatesNothingPerFrame() {
        FrameBatch batch = new FrameBatch();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long frames = 0;
        long before = 0;
        for (int round = 0; round < 40_000; round++) {
            if (round == 10_000) {
                before = threads.getThreadAllocatedBytes(tid);
                frames = 0;
            }
            int block = round % BLOCKS;
            writeBlock(block, 50);
            memory.set(ValueLayout.JAVA_INT, (long) block * TpacketV3Ring.BLOCK_SIZE + FIRST_FRAME + 20, 0x10 | 1);
            int n;
            while ((n = ring.fill(batch)) > 0) {
                frames += n;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(frames).isEqualTo(30_000L * 50);
        assertThat((double) allocated / frames).as("bytes allocated per frame").isLessThan(0.1);
    }

    private int status(int block) {
        return memory.get(ValueLayout.JAVA_INT, (long) block * TpacketV3Ring.BLOCK_SIZE + 8);
    }

    /** A block as the kernel hands it over: {@code frames} frames of 60 bytes (64 on the wire), IPv4 EtherType. */
    private void writeBlock(int block, int frames) {
        long base = (long) block * TpacketV3Ring.BLOCK_SIZE;
        memory.set(ValueLayout.JAVA_INT, base + 12, frames);
        memory.set(ValueLayout.JAVA_INT, base + 16, FIRST_FRAME);
        for (int f = 0; f < frames; f++) {
            long frame = base + FIRST_FRAME + (long) f * FRAME_STRIDE;
            memory.set(ValueLayout.JAVA_INT, frame, f + 1 < frames ? FRAME_STRIDE : 0);
            memory.set(ValueLayout.JAVA_INT, frame + 4, 1_700_000_000 + f);
            memory.set(ValueLayout.JAVA_INT, frame + 8, 500);
            memory.set(ValueLayout.JAVA_INT, frame + 12, 60);
            memory.set(ValueLayout.JAVA_INT, frame + 16, 64);
            memory.set(ValueLayout.JAVA_INT, frame + 20, 1);
            memory.set(ValueLayout.JAVA_SHORT, frame + 24, (short) MAC);
            for (int i = 0; i < 12; i++) {
                memory.set(ValueLayout.JAVA_BYTE, frame + MAC + i, (byte) (0xA0 + i));
            }
            memory.set(ValueLayout.JAVA_BYTE, frame + MAC + 12, (byte) 0x08);
            memory.set(ValueLayout.JAVA_BYTE, frame + MAC + 13, (byte) 0x00);
        }
        memory.set(ValueLayout.JAVA_INT, base + 8, 1); // TP_STATUS_USER, last: the kernel publishes the block with it
    }
}
