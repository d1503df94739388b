package io.tapflow.jobs.detect;

/**
 * What the tumbling-window detectors (port scan, P2P, fan-out) keep besides their counts: the current window, whether
 * it crossed a threshold, when an open episode closes, and the episode. Subclasses are Flink POJOs (public fields, a
 * public no-arg constructor); Flink serializes these inherited fields with theirs.
 */
public abstract class WindowedEpisodeState {
    public static final long NONE = Long.MIN_VALUE;

    public long windowStartMs = NONE;
    public long windowEndMs = NONE;
    public boolean crossed;
    /** Event time at which an open episode closes unless another window crosses first; NONE while not scheduled. */
    public long closeAtMs = NONE;
    public Episode episode = new Episode();

    boolean windowActive() {
        return windowStartMs != NONE;
    }

    void startWindow(long t, long lengthMs) {
        windowStartMs = t;
        windowEndMs = t + lengthMs;
        clearCounts();
        crossed = false;
    }

    void endWindow() {
        windowStartMs = NONE;
        windowEndMs = NONE;
        clearCounts();
    }

    /** Forgets the window's counts. */
    abstract void clearCounts();
}
