-- One row per AgentStats record (a flush cycle of one agent). Identity: (agent_id, agent_start_ms, ts_ms).
CREATE TABLE IF NOT EXISTS agent_stats (
    time              DateTime('UTC'),
    ts_ms             UInt64,
    agent_id          LowCardinality(String),
    agent_start_ms    UInt64,
    link_id           LowCardinality(String),
    interval_ms       UInt64,
    packets           UInt64,
    bytes             UInt64,
    malformed_reasons Array(String),
    malformed_counts  Array(UInt64),
    unsupported       UInt64,
    capture_drops     UInt64,
    flows_active      UInt64,
    flows_created     UInt64,
    flows_exported    UInt64,
    flows_evicted     UInt64,
    samples           UInt64,
    kafka_sent        UInt64,
    kafka_failed      UInt64,
    kafka_dropped     UInt64
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(time)
ORDER BY (agent_id, agent_start_ms, ts_ms)
