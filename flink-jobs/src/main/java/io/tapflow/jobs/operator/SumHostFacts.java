package io.tapflow.jobs.operator;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums one host's share of flows incrementally. */
public final class SumHostFacts implements AggregateFunction<HostFanOut.HostFacts, Totals, Totals> {
    private static final long serialVersionUID = 1L;

    @Override
    public Totals createAccumulator() {
        return new Totals();
    }

    @Override
    public Totals add(HostFanOut.HostFacts h, Totals acc) {
        return acc.add(1, h.packets, h.bytes);
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
