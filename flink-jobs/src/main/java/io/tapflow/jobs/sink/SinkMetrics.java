package io.tapflow.jobs.sink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** What the ClickHouse sink reports: rows written, rows in batches that had to be retried, rows that failed. */
final class SinkMetrics {
    final Counter rowsWritten;
    final Counter rowsRetried;
    final Counter rowsFailed;
    final Counter batchesWritten;
    private volatile long lastInsertMillis;

    SinkMetrics(MetricGroup group) {
        MetricGroup ch = group.addGroup("clickhouse");
        rowsWritten = ch.counter("rowsWritten");
        rowsRetried = ch.counter("rowsRetried");
        rowsFailed = ch.counter("rowsFailed");
        batchesWritten = ch.counter("batchesWritten");
        ch.gauge("lastInsertMillis", () -> lastInsertMillis);
    }

    void insertTook(long millis) {
        lastInsertMillis = millis;
    }
}
