package io.tapflow.agent.source;

/** Hands out frames in batches; never one object per packet. */
public interface PacketSource extends AutoCloseable {

    /**
     * Refills {@code batch} with the next frames.
     *
     * @return the number of frames in the batch; 0 means the source is exhausted
     * @throws CaptureFormatException when the input is corrupt or truncated; frames returned before stay valid
     */
    int nextBatch(FrameBatch batch);

    /** A name for logs and errors (the file name, the interface). */
    String name();

    /** Frames the source knows it lost (kernel ring drops); 0 for files. */
    default long drops() {
        return 0;
    }

    @Override
    void close();
}
