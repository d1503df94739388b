package io.tapflow.agent.export;

/**
 * Who produced a record: the agent, the link it meters, when this agent run started (tells restarts apart), and the
 * network interface it captures on (empty when it reads files).
 */
public record AgentIdentity(String agentId, String linkId, long startMs, String captureInterface) {
    public AgentIdentity {
        captureInterface = captureInterface == null ? "" : captureInterface;
    }

    /** An agent reading capture files. */
    public AgentIdentity(String agentId, String linkId, long startMs) {
        this(agentId, linkId, startMs, "");
    }
}
