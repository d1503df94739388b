-- Per-link totals and the top-N hosts by bytes (sent + received) per link and window.
-- Identity: (window_start, link_id) and (window_start, link_id, rank); ver = records folded into the window.
CREATE TABLE IF NOT EXISTS links_1m (
    window_start    DateTime('UTC'),
    link_id         LowCardinality(String),
    flows           UInt64,
    packets         UInt64,
    bytes           UInt64,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, link_id);

CREATE TABLE IF NOT EXISTS links_1h (
    window_start    DateTime('UTC'),
    link_id         LowCardinality(String),
    flows           UInt64,
    packets         UInt64,
    bytes           UInt64,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, link_id);

CREATE TABLE IF NOT EXISTS talkers_1m (
    window_start    DateTime('UTC'),
    link_id         LowCardinality(String),
    rank            UInt16,
    addr            FixedString(16),
    flows           UInt64,
    packets         UInt64,
    bytes           UInt64,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, link_id, rank);

CREATE TABLE IF NOT EXISTS talkers_1h (
    window_start    DateTime('UTC'),
    link_id         LowCardinality(String),
    rank            UInt16,
    addr            FixedString(16),
    flows           UInt64,
    packets         UInt64,
    bytes           UInt64,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, link_id, rank)
