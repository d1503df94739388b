package io.tapflow.jobs.dpi;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The key that joins a flow record with its payload samples: (agent_id, agent_start_ms, flow_seq), the identity of
 * a record in {@code flows} and the key {@code ClassifyingSink} pools classifiers by. Bytes: the agent id's UTF-8,
 * then start and sequence as 8 bytes each (the id is the only variable part, so no length is needed).
 */
public final class FlowIdentity {
    public static final KeySelector<FlowRecord, BinaryKey> OF_FLOW =
            r -> of(r.getAgentId(), r.getAgentStartMs(), r.getFlowSeq());
    public static final KeySelector<PayloadSample, BinaryKey> OF_SAMPLE =
            s -> of(s.getAgentId(), s.getAgentStartMs(), s.getFlowSeq());

    private FlowIdentity() {
    }

    public static BinaryKey of(CharSequence agentId, long agentStartMs, long flowSeq) {
        byte[] id = agentId.toString().getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[id.length + 16];
        System.arraycopy(id, 0, key, 0, id.length);
        putLong(key, id.length, agentStartMs);
        putLong(key, id.length + 8, flowSeq);
        return new BinaryKey(key);
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
