package io.tapflow.agent.meter;

import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.CaptureFormatException;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.PacketSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds capture files, one after the other, through one meter as one continuous capture of a link. A corrupt or
 * truncated file yields one clear error line; the frames read before the bad point still count, and the next file
 * goes on. With a replay speed, frames are paced by their timestamps (1 = real time, 10 = ten times faster).
 */
public final class CaptureReplay {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureReplay.class);

    public record Result(long frames, List<String> errors, boolean stopped) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final Meter meter;
    private final double speed;
    private final BooleanSupplier stopRequested;

    /** @param speed 0 replays as fast as possible */
    public CaptureReplay(Meter meter, double speed, BooleanSupplier stopRequested) {
        this.meter = meter;
        this.speed = speed;
        this.stopRequested = stopRequested;
    }

    public Result run(List<Path> files) {
        List<String> errors = new ArrayList<>();
        FrameBatch batch = new FrameBatch(speed > 0 ? 16 : FrameBatch.DEFAULT_CAPACITY);
        long frames = 0;
        long firstTs = Long.MIN_VALUE;
        long wallStart = 0;
        for (Path file : files) {
            if (stopRequested.getAsBoolean()) {
                return new Result(frames, errors, true);
            }
            long fileFrames = 0;
            try (PacketSource source = CaptureFiles.open(file)) {
                int n;
                while ((n = source.nextBatch(batch)) > 0) {
                    if (speed > 0) {
                        long ts = batch.timestampNanos(0);
                        if (firstTs == Long.MIN_VALUE && ts != Long.MIN_VALUE) {
                            firstTs = ts;
                            wallStart = System.nanoTime();
                        } else if (ts != Long.MIN_VALUE) {
                            pace(ts - firstTs, wallStart);
                        }
                    }
                    meter.process(batch);
                    fileFrames += n;
                    if (stopRequested.getAsBoolean()) {
                        frames += fileFrames;
                        return new Result(frames, errors, true);
                    }
                }
            } catch (CaptureFormatException e) {
                errors.add(e.getMessage());
                LOG.error("{} (kept the {} frames read before it)", e.getMessage(), fileFrames);
            }
            frames += fileFrames;
            LOG.info("{}: {} frames", file, fileFrames);
        }
        return new Result(frames, errors, false);
    }

    private void pace(long captureElapsedNs, long wallStart) {
        long due = wallStart + (long) (captureElapsedNs / speed);
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
