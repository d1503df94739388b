-- Verdicts of DPI replays (./tapflow replay --analysis NAME), beside the live ones in flows.app/category/...
-- Identity: (analysis, agent_id, agent_start_ms, flow_seq). ver is when the row was written, so running an analysis
-- again (new rules, same name) replaces its earlier verdicts; exact queries use FINAL. The partition and time bucket
-- are functions of first_ms like in flows, so retention drops both together.
CREATE TABLE IF NOT EXISTS flow_verdicts (
    time            DateTime('UTC'),
    analysis        LowCardinality(String),
    rules_version   LowCardinality(String),
    first_ms        UInt64,
    last_ms         UInt64,
    agent_id        LowCardinality(String),
    agent_start_ms  UInt64,
    flow_seq        UInt64,
    link_id         LowCardinality(String),
    app             LowCardinality(String),
    master          LowCardinality(String),
    category        LowCardinality(String),
    server_name     String,
    ja3             String,
    ja4             String,
    confidence      LowCardinality(String),
    samples         UInt32,
    written_ms      UInt64,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(time)
ORDER BY (analysis, toStartOfFiveMinute(time), link_id, agent_id, agent_start_ms, flow_seq)
