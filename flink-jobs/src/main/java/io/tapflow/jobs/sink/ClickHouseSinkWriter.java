package io.tapflow.jobs.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.data.ClickHouseFormat;
import io.tapflow.jobs.clickhouse.ClickHouseClients;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers encoded rows and inserts them when the batch is full, old enough, or a checkpoint comes. One insert runs on
 * a background thread while the next batch fills (two buffers), so the task thread keeps decoding during an insert;
 * a second full batch waits for the first insert, which is how back-pressure reaches Kafka instead of rows piling up
 * in memory. A checkpoint waits for every insert. A batch that keeps failing after the configured attempts fails the
 * task, and Flink restarts from the last checkpoint: rows are never dropped silently.
 */
final class ClickHouseSinkWriter<T> implements SinkWriter<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSinkWriter.class);

    private final ClickHouseSettings settings;
    private final RowEncoder<T> encoder;
    private final SinkBatching batching;
    private final ProcessingTimeService time;
    private final SinkMetrics metrics;
    private final ExecutorService inserter;
    private RowBinaryOutput filling = new RowBinaryOutput(1 << 20);
    private RowBinaryOutput spare = new RowBinaryOutput(1 << 20);
    private Future<?> inFlight;
    private Client client; // used by the inserter thread only
    private int rows;
    /** Tells age timers of sent batches apart from the current batch's. */
    private long batchNumber;

    ClickHouseSinkWriter(ClickHouseSettings settings, RowEncoder<T> encoder, SinkBatching batching,
                         ProcessingTimeService time, SinkMetrics metrics) {
        this.settings = settings;
        this.encoder = encoder;
        this.batching = batching;
        this.time = time;
        this.metrics = metrics;
        this.inserter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "clickhouse-insert-" + encoder.table());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        encoder.encode(element, filling);
        if (++rows == 1) {
            long batch = batchNumber;
            time.registerTimer(time.getCurrentProcessingTime() + batching.maxAge().toMillis(), now -> {
                if (batch == batchNumber && rows > 0) {
                    send();
                }
            });
        }
        if (rows >= batching.maxRows()) {
            send();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        send();
        awaitInFlight();
    }

    /** Hands the filling batch to the inserter once the previous insert is done. */
    private void send() throws IOException, InterruptedException {
        if (rows == 0) {
            return;
        }
        awaitInFlight();
        RowBinaryOutput batch = filling;
        int batchRows = rows;
        filling = spare;
        spare = batch;
        rows = 0;
        batchNumber++;
        inFlight = inserter.submit(() -> {
            insertWithRetries(batch, batchRows);
            batch.reset();
            return null;
        });
    }

    private void awaitInFlight() throws IOException, InterruptedException {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        } finally {
            inFlight = null;
        }
    }

    private void insertWithRetries(RowBinaryOutput batch, int batchRows) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                insertOnce(batch);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                metrics.rowsWritten.inc(batchRows);
                metrics.batchesWritten.inc();
                metrics.insertTook(ms);
                LOG.debug("{}: inserted {} rows ({} bytes) in {} ms", encoder.table(), batchRows, batch.size(), ms);
                return;
            } catch (IOException e) {
                if (attempt >= batching.maxAttempts()) {
                    metrics.rowsFailed.inc(batchRows);
                    String why = InsertDiagnosis.unreadable(e)
                            ? e.getMessage() + "; diagnosis: " + InsertDiagnosis.explain(settings, encoder.table(), encoder.columns())
                            : e.getMessage();
                    throw new IOException("ClickHouse insert of " + batchRows + " rows into " + encoder.table() + " at "
                            + settings + " failed " + attempt + " times; last error: " + why, e);
                }
                Duration backoff = batching.backoffBefore(attempt + 1);
                metrics.rowsRetried.inc(batchRows);
                LOG.warn("{}: insert of {} rows failed (attempt {} of {}), retrying in {} ms: {}", encoder.table(),
                        batchRows, attempt, batching.maxAttempts(), backoff.toMillis(), e.getMessage());
                closeClient(); // a fresh connection next time: the server may have restarted
                Thread.sleep(backoff.toMillis());
            }
        }
    }

    private void insertOnce(RowBinaryOutput batch) throws IOException, InterruptedException {
        if (client == null) {
            client = ClickHouseClients.open(settings);
        }
        try (InsertResponse ignored = client.insert(encoder.table(), encoder.columns(), batch.asStream(),
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
    public void close() throws InterruptedException {
        // No flush here: Flink calls flush(true) at the end of input; on cancel or failure the rows since the last
        // checkpoint are replayed from Kafka after the restart.
        inserter.shutdownNow();
        inserter.awaitTermination(10, TimeUnit.SECONDS);
        closeClient();
    }
}
