package io.tapflow.agent.bench;

import io.tapflow.agent.decode.DecodedPacket;
import io.tapflow.agent.decode.PacketDecoder;
import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.CaptureFormatException;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.PacketSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The L4 payload of every payload-bearing packet of some captures (as captured, after the agent's decoder: tunnels
 * unwrapped, the innermost transport's payload), packed into one array for benchmarks and equivalence tests.
 *
 * @param data all payloads back to back
 * @param offsets where payload i starts in {@code data}
 * @param lengths its length
 * @param l4protos its transport (6, 17, ...)
 */
public record CapturePayloads(byte[] data, int[] offsets, int[] lengths, int[] l4protos) {
    public int count() {
        return offsets.length;
    }

    public long bytes() {
        long sum = 0;
        for (int n : lengths) {
            sum += n;
        }
        return sum;
    }

    /** Reads every frame of {@code files}; a truncated capture contributes the frames before the damage. */
    public static CapturePayloads read(List<Path> files) {
        Builder b = new Builder();
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        FrameBatch batch = new FrameBatch();
        for (Path file : files) {
            try (PacketSource source = CaptureFiles.open(file)) {
                while (true) {
                    int n;
                    try {
                        n = source.nextBatch(batch);
                    } catch (CaptureFormatException e) {
                        break; // the sources hand out the frames before the damage first, then throw
                    }
                    if (n == 0) {
                        break;
                    }
                    add(b, decoder, p, batch, n);
                }
            }
        }
        return b.build();
    }

    private static void add(Builder b, PacketDecoder decoder, DecodedPacket p, FrameBatch batch, int n) {
        MemorySegment data = batch.data();
        for (int i = 0; i < n; i++) {
            if (decoder.decode(data, batch.offset(i), batch.capturedLength(i), batch.linkType(i), p) == PacketDecoder.OK
                    && p.payloadCaptured > 0) {
                b.add(data, p.payloadOffset, p.payloadCaptured, p.protocol);
            }
        }
    }

    private static final class Builder {
        private byte[] data = new byte[1 << 20];
        private int[] offsets = new int[1024];
        private int[] lengths = new int[1024];
        private int[] protos = new int[1024];
        private int size;
        private int count;

        void add(MemorySegment from, long offset, int length, int l4) {
            if (size + length > data.length) {
                data = Arrays.copyOf(data, Math.max(size + length, data.length * 2));
            }
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
                protos = Arrays.copyOf(protos, count * 2);
            }
            MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset, data, size, length);
            offsets[count] = size;
            lengths[count] = length;
            protos[count] = l4;
            count++;
            size += length;
        }

        CapturePayloads build() {
            return new CapturePayloads(Arrays.copyOf(data, size), Arrays.copyOf(offsets, count), Arrays.copyOf(lengths, count),
                    Arrays.copyOf(protos, count));
        }
    }
}
