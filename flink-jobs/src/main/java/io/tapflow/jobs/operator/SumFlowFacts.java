package io.tapflow.jobs.operator;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums flows, packets and bytes of FlowFacts incrementally: window state is one {@link Totals} per key. */
public final class SumFlowFacts implements AggregateFunction<FlowFacts, Totals, Totals> {
    private static final long serialVersionUID = 1L;

    @Override
    public Totals createAccumulator() {
        return new Totals();
    }

    @Override
    public Totals add(FlowFacts f, Totals acc) {
        return acc.add(1, f.packets, f.bytes);
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
