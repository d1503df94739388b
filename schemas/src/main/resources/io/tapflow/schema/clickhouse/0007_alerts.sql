-- Behavioural alerts (alerts.v1): one row per episode of one detector on one subject.
-- Identity: (detector, link_id, subject_addr, subject_port, episode_id). The OPEN record is written when the episode
-- starts and the CLOSED one, with final evidence, when it ends: ver is 0 for OPEN and 1 for CLOSED, so the CLOSED row
-- replaces the OPEN one (exact queries use FINAL) and a retried batch lands on the same identity. The partition and the
-- sorting key use time = episode_id (when the episode opened), which both rows share, so retention drops them together.
CREATE TABLE IF NOT EXISTS alerts (
    time             DateTime('UTC'),
    detector         LowCardinality(String),
    kind             LowCardinality(String),
    link_id          LowCardinality(String),
    subject_addr     FixedString(16),
    subject_port     Int32,
    subject          String,
    episode_id       UInt64,
    state            Enum8('OPEN' = 0, 'CLOSED' = 1),
    window_start_ms  UInt64,
    window_end_ms    UInt64,
    first_seen_ms    UInt64,
    last_seen_ms     UInt64,
    score            Float64,
    attempts         UInt64,
    distinct_ports   UInt64,
    distinct_hosts   UInt64,
    sample_peers     Array(FixedString(16)),
    sample_ports     Array(UInt16),
    written_ms       UInt64,
    ver              UInt8
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(time)
ORDER BY (detector, link_id, subject_addr, subject_port, episode_id)
