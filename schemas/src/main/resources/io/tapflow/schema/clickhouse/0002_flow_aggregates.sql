-- Event-time tumbling aggregates per link x L4 protocol x application x source/destination address x service port.
-- Identity: the key columns + window_start. A window that fires again (late records within the allowed lateness)
-- writes a corrected row with a higher ver (the number of records it folds in), which replaces the earlier one.
CREATE TABLE IF NOT EXISTS flows_1m (
    window_start    DateTime('UTC'),
    link_id         LowCardinality(String),
    l4_proto        UInt8,
    app             LowCardinality(String),
    src_addr        FixedString(16),
    dst_addr        FixedString(16),
    service_port    UInt16,
    flows           UInt64,
    packets         UInt64,
    bytes           UInt64,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, link_id, l4_proto, app, service_port, src_addr, dst_addr);

CREATE TABLE IF NOT EXISTS flows_1h (
    window_start    DateTime('UTC'),
    link_id         LowCardinality(String),
    l4_proto        UInt8,
    app             LowCardinality(String),
    src_addr        FixedString(16),
    dst_addr        FixedString(16),
    service_port    UInt16,
    flows           UInt64,
    packets         UInt64,
    bytes           UInt64,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, link_id, l4_proto, app, service_port, src_addr, dst_addr)
