package io.tapflow.jobs;

import io.tapflow.jobs.operator.Aggregate;
import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.jobs.operator.FlowAggregateWindow;
import io.tapflow.jobs.operator.HostTotal;
import io.tapflow.jobs.operator.HostTotalWindow;
import io.tapflow.jobs.operator.LateRecordFilter;
import io.tapflow.jobs.operator.LinkTotalWindow;
import io.tapflow.jobs.operator.Partial;
import io.tapflow.jobs.operator.PreAggregator;
import io.tapflow.jobs.operator.SumPartials;
import io.tapflow.jobs.operator.TopTalkers;
import io.tapflow.jobs.sink.AgentStatsRows;
import io.tapflow.jobs.sink.ClickHouseSink;
import io.tapflow.jobs.sink.FlowAggregateRows;
import io.tapflow.jobs.sink.FlowRecordRows;
import io.tapflow.jobs.sink.LinkTotalRows;
import io.tapflow.jobs.sink.PeriodicRetention;
import io.tapflow.jobs.sink.TalkerRows;
import io.tapflow.jobs.source.DeadLetter;
import io.tapflow.jobs.source.DeadLetterSerializer;
import io.tapflow.jobs.source.DeadLetterSplitter;
import io.tapflow.jobs.source.Envelope;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.FlowRecord;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * flows.v1 and agent-stats.v1 → ClickHouse: raw flows, 1-minute and 1-hour aggregates per link × L4 protocol ×
 * application × source/destination address × service port, per-link totals and top-N talkers, and agent stats.
 * Records that do not decode, and flows later than the allowed lateness, go to the dead-letter topic.
 */
public final class AggregationJob {
    public static final String NAME = "tapflow-aggregation";
    static final Duration RETENTION_PERIOD = Duration.ofHours(1);
    /** Keys the pre-aggregator buffers before it sends everything on: about 100 bytes each. */
    static final int PRE_AGGREGATION_KEYS = 200_000;

    private AggregationJob() {
    }

    /** Adds the job's operators to {@code env}; the caller executes it. */
    public static void build(StreamExecutionEnvironment env, AggregationSettings s) {
        JobEnvironment.configure(env, s.checkpointInterval());

        SingleOutputStreamOperator<FlowRecord> flows = env
                .fromSource(KafkaTopicSource.of(s, s.flowsTopic(), FlowRecord.class), flowWatermarks(s),
                        "flows: " + s.flowsTopic())
                .uid("flows-source")
                .process(new DeadLetterSplitter<FlowRecord>()).uid("flows-decode").name("decode flows");

        flows.sinkTo(new ClickHouseSink<>(s.clickhouse(), new FlowRecordRows(), s.batching()))
                .uid("flows-clickhouse").name("ClickHouse flows");

        SingleOutputStreamOperator<FlowRecord> onTime = flows
                .process(new LateRecordFilter(s.allowedLateness().toMillis(), s.flowsTopic()))
                .uid("late-filter").name("late-record policy");
        SingleOutputStreamOperator<Partial> partials = onTime
                .transform("pre-aggregate", Types.POJO(Partial.class), new PreAggregator(PRE_AGGREGATION_KEYS))
                .uid("pre-aggregate");

        for (Aggregate a : List.of(Aggregate.FLOWS_1M, Aggregate.FLOWS_1H)) {
            window(partials.getSideOutput(a.tag()), a, s)
                    .aggregate(new SumPartials(), new FlowAggregateWindow())
                    .uid("flows-" + a.suffix()).name("flows " + a.suffix())
                    .sinkTo(new ClickHouseSink<>(s.clickhouse(), new FlowAggregateRows("flows_" + a.suffix()), s.batching()))
                    .uid("flows-" + a.suffix() + "-clickhouse").name("ClickHouse flows_" + a.suffix());
        }
        for (Aggregate a : List.of(Aggregate.LINKS_1M, Aggregate.LINKS_1H)) {
            window(partials.getSideOutput(a.tag()), a, s)
                    .aggregate(new SumPartials(), new LinkTotalWindow())
                    .uid("links-" + a.suffix()).name("link totals " + a.suffix())
                    .sinkTo(new ClickHouseSink<>(s.clickhouse(), new LinkTotalRows("links_" + a.suffix()), s.batching()))
                    .uid("links-" + a.suffix() + "-clickhouse").name("ClickHouse links_" + a.suffix());
        }
        for (Aggregate a : List.of(Aggregate.HOSTS_1M, Aggregate.HOSTS_1H)) {
            DataStream<HostTotal> hosts = window(partials.getSideOutput(a.tag()), a, s)
                    .aggregate(new SumPartials(), new HostTotalWindow())
                    .uid("host-totals-" + a.suffix()).name("host totals " + a.suffix());
            hosts.keyBy(h -> h.linkId, Types.STRING)
                    .window(TumblingEventTimeWindows.of(a.size())).allowedLateness(s.allowedLateness())
                    .process(new TopTalkers(s.topN()))
                    .uid("talkers-" + a.suffix()).name("top talkers " + a.suffix())
                    .sinkTo(new ClickHouseSink<>(s.clickhouse(), new TalkerRows("talkers_" + a.suffix()), s.batching()))
                    .uid("talkers-" + a.suffix() + "-clickhouse").name("ClickHouse talkers_" + a.suffix());
        }

        SingleOutputStreamOperator<AgentStats> stats = env
                .fromSource(KafkaTopicSource.of(s, s.statsTopic(), AgentStats.class),
                        WatermarkStrategy.noWatermarks(), "agent stats: " + s.statsTopic())
                .uid("stats-source")
                .process(new DeadLetterSplitter<AgentStats>()).uid("stats-decode").name("decode agent stats");
        stats.sinkTo(new ClickHouseSink<>(s.clickhouse(), new AgentStatsRows(), s.batching()))
                .uid("stats-clickhouse").name("ClickHouse agent_stats");
        if (s.retentionDays() > 0) {
            stats.sinkTo(new PeriodicRetention<>(s.clickhouse(), s.retentionDays(), RETENTION_PERIOD))
                    .setParallelism(1).uid("retention").name("retention: " + s.retentionDays() + " days");
        }

        DataStream<DeadLetter> deadLetters = flows.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)
                .union(onTime.getSideOutput(DeadLetterSplitter.DEAD_LETTERS),
                        stats.getSideOutput(DeadLetterSplitter.DEAD_LETTERS));
        deadLetters.sinkTo(KafkaSink.<DeadLetter>builder()
                        .setBootstrapServers(s.kafkaBootstrap())
                        .setRecordSerializer(new DeadLetterSerializer(s.deadLetterTopic()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build())
                .uid("dead-letters").name("dead letters: " + s.deadLetterTopic());
    }

    /** The global half of the two-phase aggregation: partials of one aggregate, keyed, in its tumbling windows. */
    private static WindowedStream<Partial, BinaryKey, TimeWindow> window(DataStream<Partial> partials, Aggregate a,
                                                                         AggregationSettings s) {
        return partials.keyBy(p -> p.key, BinaryKey.TYPE)
                .window(TumblingEventTimeWindows.of(a.size()))
                .allowedLateness(s.allowedLateness());
    }

    /**
     * Event time is the flow's last packet. Streaming: bounded out-of-orderness per Kafka partition, with idleness.
     * Bounded: no watermark until the end of input, so no flow is ever late and every window is exact.
     */
    static WatermarkStrategy<Envelope<FlowRecord>> flowWatermarks(AggregationSettings s) {
        WatermarkStrategy<Envelope<FlowRecord>> base = s.bounded()
                ? WatermarkStrategy.noWatermarks()
                : WatermarkStrategy.<Envelope<FlowRecord>>forBoundedOutOfOrderness(s.maxOutOfOrderness())
                        .withIdleness(s.idleness());
        // Dead letters have no flow time: Long.MIN_VALUE keeps them from moving the watermark.
        return base.withTimestampAssigner((e, kafkaTs) -> e.record != null ? e.record.getLastMs() : Long.MIN_VALUE);
    }
}
