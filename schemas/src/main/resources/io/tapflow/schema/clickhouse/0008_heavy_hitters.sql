-- Heavy hitters per link: the top-N source and destination addresses by bytes and by packets in each window, from a
-- Space-Saving sketch (flink-jobs HeavyHitters). The true value of a row lies in [estimate - error, estimate]; an
-- address not listed had at most `bound` (the sketch's smallest counter, at most total / counters).
-- Identity: (window_start, link_id, direction, metric, rank); ver = flows folded into the window, so a rewritten
-- window replaces its rows (exact queries use FINAL). Partitioned by day like the other tables, for retention.
CREATE TABLE IF NOT EXISTS heavy_hitters (
    window_start    DateTime('UTC'),
    window_end      DateTime('UTC'),
    link_id         LowCardinality(String),
    direction       Enum8('src' = 0, 'dst' = 1),
    metric          Enum8('bytes' = 0, 'packets' = 1),
    rank            UInt16,
    addr            FixedString(16),
    estimate        UInt64,
    error           UInt64,
    total           UInt64,
    bound           UInt64,
    counters        UInt32,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, link_id, direction, metric, rank)
