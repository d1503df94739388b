package io.tapflow.agent.source;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A capture file mapped read-only: frames are decoded where they lie in the page cache, with no copy. */
final class MappedCaptureFile implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment segment;

    MappedCaptureFile(Path path) {
        Arena a = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            this.segment = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, a);
            this.arena = a;
        } catch (NoSuchFileException e) {
            a.close();
            throw new CaptureFormatException(path + ": no such file");
        } catch (IOException e) {
            a.close();
            throw new CaptureFormatException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    MemorySegment segment() {
        return segment;
    }

    long size() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }
}
