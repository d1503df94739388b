package io.tapflow.agent.source;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Opens a capture file by its magic number, never by its name: many ".pcap" files are pcapng. */
public final class CaptureFiles {
    private CaptureFiles() {
    }

    public static PacketSource open(Path path) {
        MappedCaptureFile file = new MappedCaptureFile(path);
        try {
            if (file.size() < 4) {
                throw new CaptureFormatException(path + ": empty or too short to be a capture (" + file.size() + " bytes)");
            }
            int magic = file.segment().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (magic == PcapngFileSource.SECTION_HEADER) {
                return new PcapngFileSource(path, file);
            }
            if (magic == PcapFileSource.MAGIC_MICROS || magic == PcapFileSource.MAGIC_NANOS
                    || Integer.reverseBytes(magic) == PcapFileSource.MAGIC_MICROS
                    || Integer.reverseBytes(magic) == PcapFileSource.MAGIC_NANOS) {
                return new PcapFileSource(path, file);
            }
            throw new CaptureFormatException(path + ": not a pcap or pcapng file (magic 0x"
                    + Integer.toHexString(Integer.reverseBytes(magic)) + ")");
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }
}
