-- The network interface a live agent captures on (empty for agents reading files): AgentStats version 2.
ALTER TABLE agent_stats ADD COLUMN capture_interface LowCardinality(String) DEFAULT ''
