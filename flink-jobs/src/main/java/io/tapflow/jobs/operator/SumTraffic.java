package io.tapflow.jobs.operator;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums flows (one per element), packets and bytes incrementally: window state is one {@link Totals} per key. */
public final class SumTraffic<T extends Traffic> implements AggregateFunction<T, Totals, Totals> {
    private static final long serialVersionUID = 1L;

    @Override
    public Totals createAccumulator() {
        return new Totals();
    }

    @Override
    public Totals add(T element, Totals acc) {
        return acc.add(1, element.packets(), element.bytes());
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
