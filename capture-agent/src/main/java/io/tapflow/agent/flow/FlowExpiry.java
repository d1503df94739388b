package io.tapflow.agent.flow;

import io.tapflow.schema.EndReason;

/** Receives a flow the table is about to end or slice; read the slot synchronously, it is reused afterwards. */
@FunctionalInterface
public interface FlowExpiry {
    void expired(FlowTable table, int slot, EndReason reason);
}
