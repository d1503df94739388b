package io.tapflow.agent.source.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.bench.FrameSender;
import io.tapflow.agent.bench.VethLink;
import io.tapflow.agent.source.FrameBatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A ring nobody reads fills up: the kernel's drop and freeze counters (PACKET_STATISTICS) come out of {@link
 * AfPacketSource#drops()} and {@link AfPacketSource#freezes()}, and what the ring held is still read afterwards.
 */
class RingDropsIT {
    @Test
    void aFullRingCountsDropsAndFreezes() throws Exception {
        VethLink link;
        try {
            link = VethLink.create(false);
        } catch (VethLink.Unsupported e) {
            Assumptions.abort(e.getMessage());
            return;
        }
        try (link; AfPacketSource source = new AfPacketSource(link.capture, 1 << 20, null, false, -1);
             FrameSender sender = new FrameSender(link.sender, VethLink.MAX_FRAME);
             Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(1514);
            frame.fill((byte) 0xFF); // broadcast, EtherType 0xFFFF: the kernel passes it up and no stack answers
            // each frame carries its number at byte 20
            int frames = 4_000; // 6 MB into a 1 MiB ring that is not read
            for (int i = 0; i < frames; i++) {
                frame.set(ValueLayout.JAVA_INT_UNALIGNED, 20, i);
                assertThat(sender.send(frame, 0, 1514)).isTrue();
            }
            long drops = source.drops();
            assertThat(drops).as("frames the full ring dropped").isPositive();
            assertThat(source.freezes()).as("times the kernel froze the full ring").isPositive();

            FrameBatch batch = new FrameBatch();
            long read = 0;
            int n;
            java.util.BitSet seen = new java.util.BitSet();
            int duplicates = 0;
            while ((n = source.nextBatch(batch)) > 0) {
                read += n;
                for (int i = 0; i < n; i++) {
                    if (batch.data().get(ValueLayout.JAVA_SHORT_UNALIGNED, batch.offset(i) + 12) != (short) 0xFFFF) {
                        continue; // not one of ours
                    }
                    int index = batch.data().get(ValueLayout.JAVA_INT_UNALIGNED, batch.offset(i) + 20);
                    if (seen.get(index)) {
                        duplicates++;
                    }
                    seen.set(index);
                }
            }
            System.out.printf("sent %d, read %d (duplicates %d), dropped %d%n", frames, read, duplicates, drops);
            assertThat(duplicates).isZero();
            assertThat(seen.cardinality()).as("the ring kept the first frames, in order, and dropped the rest")
                    .isEqualTo(seen.length()).isPositive();
            assertThat(read).as("what the ring held is read").isPositive();
            // Not exact: this end is in the host's namespace, where daemons may send on a new link, and a busy host may
            // drop in the receive backlog before the ring; both are small next to the 4,000 frames.
            assertThat(read + drops).isBetween((long) (frames * 0.95), (long) (frames * 1.05));
        }
    }
}
