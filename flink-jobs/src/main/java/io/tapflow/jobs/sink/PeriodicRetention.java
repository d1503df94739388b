package io.tapflow.jobs.sink;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.clickhouse.Retention;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's retention task: drops day partitions older than N days every {@code period}, for servers without TTL.
 * A sink only for its place in the job (one subtask, a timer service, restarted with the job); it ignores its input.
 * A failed drop is logged and tried again next period: retention must never stop the pipeline.
 */
public final class PeriodicRetention<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicRetention.class);
    private final ClickHouseSettings settings;
    private final int days;
    private final Duration period;

    public PeriodicRetention(ClickHouseSettings settings, int days, Duration period) {
        if (days < 1) {
            throw new IllegalArgumentException("retention needs at least 1 day, got " + days);
        }
        this.settings = settings;
        this.days = days;
        this.period = period;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        ProcessingTimeService time = context.getProcessingTimeService();
        var dropped = context.metricGroup().counter("retentionPartitionsDropped");
        var failures = context.metricGroup().counter("retentionFailures");
        Retention retention = new Retention(settings);
        ProcessingTimeService.ProcessingTimeCallback[] tick = new ProcessingTimeService.ProcessingTimeCallback[1];
        tick[0] = now -> {
            try {
                List<Retention.Partition> gone = retention.drop(days);
                dropped.inc(gone.size());
                if (!gone.isEmpty()) {
                    LOG.info("retention: dropped {} partitions older than {} days: {}", gone.size(), days, gone);
                }
            } catch (RuntimeException e) {
                failures.inc();
                LOG.warn("retention: dropping partitions older than {} days failed, next try in {}: {}", days, period,
                        e.getMessage());
            }
            time.registerTimer(now + period.toMillis(), tick[0]);
        };
        time.registerTimer(time.getCurrentProcessingTime(), tick[0]);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                // input ignored: see the class comment
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
