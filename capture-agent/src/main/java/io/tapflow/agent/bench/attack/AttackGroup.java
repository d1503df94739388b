package io.tapflow.agent.bench.attack;

/**
 * {@code instances} attacks of one kind at one rate, each by (and against) addresses of its own.
 *
 * @param rate   events per second: SYNs, probes, new peers or connections ({@link AttackKind#unit()}), evenly spaced
 * @param events events per instance, so an instance lasts {@code (events - 1) / rate} seconds
 * @param tag    a name for the group in reports, e.g. {@code 1x} for a rate at the detector's threshold
 */
public record AttackGroup(AttackKind kind, double rate, int events, int instances, String tag) {
    public AttackGroup {
        if (kind == null) {
            throw new IllegalArgumentException("attack kind is required");
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(kind.label() + ": rate must be a positive number, got " + rate);
        }
        if (events < 1 || events > 100_000) {
            throw new IllegalArgumentException(kind.label() + ": events per instance must be 1-100000, got " + events);
        }
        if (instances < 1 || instances > 10_000) {
            throw new IllegalArgumentException(kind.label() + ": instances must be 1-10000, got " + instances);
        }
    }

    /** From the first event to the last, in microseconds. */
    long durationUs() {
        return Math.round((events - 1) * 1e6 / rate);
    }
}
