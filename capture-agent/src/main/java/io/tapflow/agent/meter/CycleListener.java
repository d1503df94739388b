package io.tapflow.agent.meter;

/** Told at the end of every flush cycle (capture time) and once at the end of input. */
@FunctionalInterface
public interface CycleListener {
    void cycleEnded(Meter meter, long captureTimeNs, boolean last);
}
