package io.tapflow.jobs.operator;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Each flow counts for both of its endpoints (a talker is a host by all the traffic it sends and receives), keyed by
 * link and host. A flow between a host and itself counts once.
 */
public final class HostFanOut implements FlatMapFunction<FlowFacts, HostFanOut.HostFacts> {
    private static final long serialVersionUID = 1L;

    /** One endpoint's share of a flow. A Flink POJO. */
    public static class HostFacts implements Traffic {
        public BinaryKey hostKey;
        public long packets;
        public long bytes;

        public HostFacts() {
        }

        @Override
        public long packets() {
            return packets;
        }

        @Override
        public long bytes() {
            return bytes;
        }
    }

    @Override
    public void flatMap(FlowFacts f, Collector<HostFacts> out) {
        out.collect(of(AggregateKeys.hostKey(f.linkId, f.srcAddr), f));
        if (!java.util.Arrays.equals(f.srcAddr, f.dstAddr)) {
            out.collect(of(AggregateKeys.hostKey(f.linkId, f.dstAddr), f));
        }
    }

    private static HostFacts of(BinaryKey key, FlowFacts f) {
        HostFacts h = new HostFacts();
        h.hostKey = key;
        h.packets = f.packets;
        h.bytes = f.bytes;
        return h;
    }
}
