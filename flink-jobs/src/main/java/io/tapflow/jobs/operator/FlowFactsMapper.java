package io.tapflow.jobs.operator;

import io.tapflow.schema.FlowRecord;
import org.apache.flink.api.common.functions.MapFunction;

/** FlowRecord → FlowFacts. Packets and bytes are the sums over both directions. */
public final class FlowFactsMapper implements MapFunction<FlowRecord, FlowFacts> {
    private static final long serialVersionUID = 1L;

    @Override
    public FlowFacts map(FlowRecord r) {
        FlowFacts f = new FlowFacts();
        f.linkId = r.getLinkId();
        f.l4Proto = r.getL4Proto();
        f.app = "";
        f.srcAddr = r.getSrcAddr().bytes().clone();
        f.dstAddr = r.getDstAddr().bytes().clone();
        f.servicePort = ServicePorts.of(r.getSrcPort(), r.getDstPort());
        f.packets = r.getPacketsFwd() + r.getPacketsRev();
        f.bytes = r.getBytesFwd() + r.getBytesRev();
        return f;
    }
}
