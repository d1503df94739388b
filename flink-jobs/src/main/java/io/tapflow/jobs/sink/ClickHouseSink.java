package io.tapflow.jobs.sink;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes elements as RowBinary batches into one ClickHouse table. Effectively-once comes from the tables, not from
 * transactions: every row carries its identity and the tables are ReplacingMergeTree on it, so rows written again
 * after a restart from a checkpoint replace the earlier copies instead of doubling them.
 */
public final class ClickHouseSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final ClickHouseSettings settings;
    private final RowEncoder<T> encoder;
    private final SinkBatching batching;

    public ClickHouseSink(ClickHouseSettings settings, RowEncoder<T> encoder, SinkBatching batching) {
        this.settings = settings;
        this.encoder = encoder;
        this.batching = batching;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new ClickHouseSinkWriter<>(settings, encoder, batching, context.getProcessingTimeService(),
                new SinkMetrics(context.metricGroup()));
    }
}
