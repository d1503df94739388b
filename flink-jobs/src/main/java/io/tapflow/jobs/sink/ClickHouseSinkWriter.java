package io.tapflow.jobs.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.data.ClickHouseFormat;
import io.tapflow.jobs.clickhouse.ClickHouseClients;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers encoded rows and inserts them when the batch is full, old enough, or a checkpoint comes. Inserts are
 * synchronous on the task thread: back-pressure then reaches Kafka instead of piling rows up in memory. A batch that
 * keeps failing after the configured attempts fails the task, and Flink restarts from the last checkpoint: rows are
 * never dropped silently.
 */
final class ClickHouseSinkWriter<T> implements SinkWriter<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSinkWriter.class);

    private final ClickHouseSettings settings;
    private final RowEncoder<T> encoder;
    private final SinkBatching batching;
    private final ProcessingTimeService time;
    private final SinkMetrics metrics;
    private final RowBinaryOutput buffer = new RowBinaryOutput(1 << 20);
    private Client client;
    private int rows;
    /** Tells age timers of flushed batches apart from the current batch's. */
    private long batchNumber;

    ClickHouseSinkWriter(ClickHouseSettings settings, RowEncoder<T> encoder, SinkBatching batching,
                         ProcessingTimeService time, SinkMetrics metrics) {
        this.settings = settings;
        this.encoder = encoder;
        this.batching = batching;
        this.time = time;
        this.metrics = metrics;
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        encoder.encode(element, buffer);
        if (++rows == 1) {
            long batch = batchNumber;
            time.registerTimer(time.getCurrentProcessingTime() + batching.maxAge().toMillis(), now -> {
                if (batch == batchNumber && rows > 0) {
                    insertBatch();
                }
            });
        }
        if (rows >= batching.maxRows()) {
            insertBatch();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        insertBatch();
    }

    private void insertBatch() throws IOException, InterruptedException {
        if (rows == 0) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                insertOnce();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                metrics.rowsWritten.inc(rows);
                metrics.batchesWritten.inc();
                metrics.insertTook(ms);
                LOG.debug("{}: inserted {} rows ({} bytes) in {} ms", encoder.table(), rows, buffer.size(), ms);
                break;
            } catch (IOException e) {
                if (attempt >= batching.maxAttempts()) {
                    metrics.rowsFailed.inc(rows);
                    String why = InsertDiagnosis.unreadable(e)
                            ? e.getMessage() + "; diagnosis: " + InsertDiagnosis.explain(settings, encoder.table(), encoder.columns())
                            : e.getMessage();
                    throw new IOException("ClickHouse insert of " + rows + " rows into " + encoder.table() + " at "
                            + settings + " failed " + attempt + " times; last error: " + why, e);
                }
                Duration backoff = batching.backoffBefore(attempt + 1);
                metrics.rowsRetried.inc(rows);
                LOG.warn("{}: insert of {} rows failed (attempt {} of {}), retrying in {} ms: {}", encoder.table(),
                        rows, attempt, batching.maxAttempts(), backoff.toMillis(), e.getMessage());
                closeClient(); // a fresh connection next time: the server may have restarted
                Thread.sleep(backoff.toMillis());
            }
        }
        buffer.reset();
        rows = 0;
        batchNumber++;
    }

    private void insertOnce() throws IOException, InterruptedException {
        if (client == null) {
            client = ClickHouseClients.open(settings);
        }
        try (InsertResponse ignored = client.insert(encoder.table(), encoder.columns(), buffer.asStream(),
                ClickHouseFormat.RowBinary).get(5, TimeUnit.MINUTES)) {
            // the response carries only statistics
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("no answer within 5 minutes", e);
        } catch (RuntimeException e) {
            throw new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (RuntimeException e) {
                LOG.debug("closing ClickHouse client: {}", e.toString());
            }
            client = null;
        }
    }

    @Override
    public void close() {
        // No flush here: Flink calls flush(true) at the end of input; on cancel or failure the rows since the last
        // checkpoint are replayed from Kafka after the restart.
        closeClient();
    }
}
