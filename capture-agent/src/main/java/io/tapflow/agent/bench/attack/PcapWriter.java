package io.tapflow.agent.bench.attack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A classic pcap file (little-endian, microsecond timestamps, Ethernet) written through one reused buffer: frames are
 * copied from the caller's array, nothing is allocated per frame.
 */
final class PcapWriter implements AutoCloseable {
    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int LINKTYPE_ETHERNET = 1;
    static final int SNAPLEN = 65_535;
    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long frames;

    PcapWriter(Path path) throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        buf.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN)
                .putInt(LINKTYPE_ETHERNET);
    }

    /** One frame at {@code tsMicros} (since the epoch); {@code wireLength} may exceed the bytes captured. */
    void write(long tsMicros, byte[] frame, int length, int wireLength) throws IOException {
        if (length > SNAPLEN) {
            throw new IllegalArgumentException("frame of " + length + " bytes exceeds the snap length " + SNAPLEN);
        }
        if (buf.remaining() < 16 + length) {
            drain();
        }
        buf.putInt((int) (tsMicros / 1_000_000)).putInt((int) (tsMicros % 1_000_000)).putInt(length)
                .putInt(Math.max(length, wireLength));
        buf.put(frame, 0, length);
        frames++;
    }

    long frames() {
        return frames;
    }

    private void drain() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        buf.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            channel.close();
        }
    }
}
