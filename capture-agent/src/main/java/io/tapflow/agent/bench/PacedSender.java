package io.tapflow.agent.bench;

import io.tapflow.agent.source.FrameBatch;
import java.util.List;

/** Puts frames on a link at a set rate, for the loss benchmark. */
public interface PacedSender extends AutoCloseable {
    /** Whether frame {@code i} can go on the link unchanged. */
    boolean sendable(FrameBatch batch, int i);

    /**
     * Sends the sendable frames of {@code batches} over and over, at most {@code rate} per second, for {@code durationNs}.
     *
     * @return frames handed to the kernel
     */
    long sendPaced(List<FrameBatch> batches, long rate, long durationNs);

    /** What the sender is, for the report. */
    String name();

    @Override
    void close();
}
