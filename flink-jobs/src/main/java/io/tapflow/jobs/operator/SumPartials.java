package io.tapflow.jobs.operator;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Adds up partial sums incrementally: window state is one {@link Totals} per key and window. */
public final class SumPartials implements AggregateFunction<Partial, Totals, Totals> {
    private static final long serialVersionUID = 1L;

    @Override
    public Totals createAccumulator() {
        return new Totals();
    }

    @Override
    public Totals add(Partial p, Totals acc) {
        return acc.add(p.flows, p.packets, p.bytes);
    }

    @Override
    public Totals getResult(Totals acc) {
        return acc;
    }

    @Override
    public Totals merge(Totals a, Totals b) {
        return a.add(b.flows, b.packets, b.bytes);
    }
}
