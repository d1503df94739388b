package io.tapflow.jobs;

import io.tapflow.jobs.operator.AggregateKeys;
import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.jobs.operator.FlowAggregateWindow;
import io.tapflow.jobs.operator.FlowFacts;
import io.tapflow.jobs.operator.FlowFactsMapper;
import io.tapflow.jobs.operator.HostFanOut;
import io.tapflow.jobs.operator.HostTotal;
import io.tapflow.jobs.operator.HostTotalWindow;
import io.tapflow.jobs.operator.LateRecordFilter;
import io.tapflow.jobs.operator.LinkTotalWindow;
import io.tapflow.jobs.operator.SumTraffic;
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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * flows.v1 and agent-stats.v1 → ClickHouse: raw flows, 1-minute and 1-hour aggregates per link × L4 protocol ×
 * application × source/destination address × service port, per-link totals and top-N talkers, and agent stats.
 * Records that do not decode, and flows later than the allowed lateness, go to the dead-letter topic.
 */
public final class AggregationJob {
    public static final String NAME = "tapflow-aggregation";
    static final Duration RETENTION_PERIOD = Duration.ofHours(1);

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
        DataStream<FlowFacts> facts = onTime.map(new FlowFactsMapper()).uid("flow-facts").name("flow facts");

        aggregate(facts, s, Duration.ofMinutes(1), "1m");
        aggregate(facts, s, Duration.ofHours(1), "1h");

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

    /** One window size: flow aggregates, link totals and top talkers, each into its table with the size's suffix. */
    private static void aggregate(DataStream<FlowFacts> facts, AggregationSettings s, Duration size, String suffix) {
        TumblingEventTimeWindows windows = TumblingEventTimeWindows.of(size);
        Duration lateness = s.allowedLateness();

        facts.keyBy(AggregateKeys::flowKey, BinaryKey.TYPE)
                .window(windows).allowedLateness(lateness)
                .aggregate(new SumTraffic<>(), new FlowAggregateWindow())
                .uid("flows-" + suffix).name("flows " + suffix)
                .sinkTo(new ClickHouseSink<>(s.clickhouse(), new FlowAggregateRows("flows_" + suffix), s.batching()))
                .uid("flows-" + suffix + "-clickhouse").name("ClickHouse flows_" + suffix);

        facts.keyBy(f -> f.linkId, Types.STRING)
                .window(windows).allowedLateness(lateness)
                .aggregate(new SumTraffic<>(), new LinkTotalWindow())
                .uid("links-" + suffix).name("link totals " + suffix)
                .sinkTo(new ClickHouseSink<>(s.clickhouse(), new LinkTotalRows("links_" + suffix), s.batching()))
                .uid("links-" + suffix + "-clickhouse").name("ClickHouse links_" + suffix);

        DataStream<HostTotal> hosts = facts.flatMap(new HostFanOut()).uid("hosts-" + suffix)
                .keyBy(h -> h.hostKey, BinaryKey.TYPE)
                .window(windows).allowedLateness(lateness)
                .aggregate(new SumTraffic<>(), new HostTotalWindow())
                .uid("host-totals-" + suffix).name("host totals " + suffix);
        hosts.keyBy(h -> h.linkId, Types.STRING)
                .window(windows).allowedLateness(lateness)
                .process(new TopTalkers(s.topN()))
                .uid("talkers-" + suffix).name("top talkers " + suffix)
                .sinkTo(new ClickHouseSink<>(s.clickhouse(), new TalkerRows("talkers_" + suffix), s.batching()))
                .uid("talkers-" + suffix + "-clickhouse").name("ClickHouse talkers_" + suffix);
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
