-- DNS anomaly evidence on alerts (detector dns_anomaly): responses and NXDOMAIN responses seen to the client's
-- queries, the tunnel's registered domain and its most distinct suspicious names in a window, and a few query names.
-- Added at the end with defaults, so rows of other detectors and rows written before this migration read as 0, '', [].
-- One ALTER (18.16 has no ADD COLUMN IF NOT EXISTS), so the columns come together or not at all.
ALTER TABLE alerts
    ADD COLUMN dns_responses UInt64 DEFAULT 0,
    ADD COLUMN dns_nxdomain UInt64 DEFAULT 0,
    ADD COLUMN dns_distinct_names UInt64 DEFAULT 0,
    ADD COLUMN dns_domain String DEFAULT '',
    ADD COLUMN sample_names Array(String) DEFAULT emptyArrayString()
