package io.tapflow.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.live.AfPacketSource;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TX-ring sender puts every frame it queues on the link, byte for byte: a capture on the other end of a veth pair
 * sees exactly that many of the generator's frames, and the link's counters agree.
 */
class TxRingSenderIT {
    @TempDir
    Path dir;

    @Test
    void everyQueuedFrameReachesTheOtherEnd() throws Exception {
        VethLink link;
        try {
            link = VethLink.create(false);
        } catch (VethLink.Unsupported e) {
            Assumptions.abort(e.getMessage());
            return;
        }
        Path trace = dir.resolve("imix.pcap");
        TraceGenerator.generate(TraceGenerator.TraceSpec.of(5_000, 500).withFrameSize(TraceGenerator.FrameSize.IMIX), trace);
        List<FrameBatch> batches = LossBenchmark.load(trace);
        try (link; AfPacketSource source = new AfPacketSource(link.capture, 64 << 20, null, true, -1);
             TxRingSender sender = new TxRingSender(link.sender, VethLink.MAX_FRAME)) {
            LinkCounters before = LinkCounters.read(link.sender);
            long queued = sender.sendPaced(batches, 100_000, 300_000_000L);
            LinkCounters delivered = LinkCounters.read(link.sender).since(before);

            long generated = 0;
            long bytes = 0;
            FrameBatch batch = new FrameBatch();
            int idlePolls = 0;
            while (idlePolls < 3) {
                int n = source.nextBatch(batch);
                idlePolls = n == 0 ? idlePolls + 1 : 0;
                for (int i = 0; i < n; i++) {
                    long at = batch.offset(i);
                    // the generator's locally administered MACs, 02:00:.. and 02:01:..
                    if (batch.data().get(ValueLayout.JAVA_BYTE, at) == 2 && batch.data().get(ValueLayout.JAVA_BYTE, at + 6) == 2) {
                        generated++;
                        bytes += batch.capturedLength(i);
                    }
                }
            }
            assertThat(queued).as("a 300 ms run at 100 kpps").isBetween(10_000L, 31_000L);
            assertThat(generated).as("frames of the generator captured").isEqualTo(queued);
            assertThat(bytes).as("IMIX: not all 64-byte frames").isGreaterThan(64 * generated);
            assertThat(delivered.txDropped()).isZero();
            // the host may send a few frames of its own on a new link (IPv6 neighbour discovery)
            assertThat(delivered.txPackets()).isBetween(queued, queued + 20);
            assertThat(source.drops()).isZero();
        }
    }
}
