package io.tapflow.agent.export;

/** Who produced a record: the agent, the link it meters, and when this agent run started (tells restarts apart). */
public record AgentIdentity(String agentId, String linkId, long startMs) {
}
