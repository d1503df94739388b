-- Raw flow records, one row per FlowRecord (enriched by later jobs).
-- Identity: (agent_id, agent_start_ms, flow_seq). The partition and the time bucket in the sorting key are functions of
-- first_ms, so a row written twice (a batch retried after a failure) lands in the same part range and ReplacingMergeTree
-- keeps one copy; exact queries use FINAL. ver: 0 from the aggregation job; enrichment writes a higher ver to win.
CREATE TABLE IF NOT EXISTS flows (
    time            DateTime('UTC'),
    first_ms        UInt64,
    last_ms         UInt64,
    agent_id        LowCardinality(String),
    agent_start_ms  UInt64,
    flow_seq        UInt64,
    link_id         LowCardinality(String),
    ip_version      UInt8,
    src_addr        FixedString(16),
    dst_addr        FixedString(16),
    src_port        UInt16,
    dst_port        UInt16,
    l4_proto        UInt8,
    vlan_id         UInt16,
    inner_vlan_id   UInt16,
    mpls_labels     Array(UInt32),
    tunnel_type     LowCardinality(String),
    packets_fwd     UInt64,
    packets_rev     UInt64,
    bytes_fwd       UInt64,
    bytes_rev       UInt64,
    tcp_flags_fwd   UInt8,
    tcp_flags_rev   UInt8,
    ttl_min         UInt8,
    ttl_max         UInt8,
    fragments       UInt64,
    end_reason      LowCardinality(String),
    sampling_rate   UInt32,
    signature_ids   Array(UInt32),
    app             LowCardinality(String),
    category        LowCardinality(String),
    server_name     String,
    ja3             String,
    ja4             String,
    written_ms      UInt64,
    ver             UInt64
) ENGINE = ReplacingMergeTree(ver)
PARTITION BY toYYYYMMDD(time)
ORDER BY (toStartOfFiveMinute(time), link_id, agent_id, agent_start_ms, flow_seq)
