package io.tapflow.jobs;

import io.tapflow.jobs.detect.DetectStage;
import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.jobs.dpi.DpiStage;
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
import io.tapflow.jobs.sink.AlertRows;
import io.tapflow.jobs.sink.AlertSerializer;
import io.tapflow.jobs.sink.ClickHouseSink;
import io.tapflow.jobs.sink.HeavyHitterRows;
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
import io.tapflow.schema.Alert;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
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
 * With DPI, payload.v1 joins the flows first ({@link DpiStage}): the verdict fills the raw flow's app, category,
 * server_name, ja3, ja4, keys the aggregates by application, and goes to verdicts.v1. With detection, the decoded
 * flow records also go through the behavioural detectors ({@link DetectStage}), whose alerts go to ClickHouse
 * {@code alerts} and to alerts.v1, and through the per-link heavy hitters ({@link DetectStage#heavyHitters}) into
 * {@code heavy_hitters}.
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

        DataStream<ClassifiedFlow> classified;
        DataStream<DeadLetter> sampleDeadLetters = null;
        if (s.dpi() != null) {
            SingleOutputStreamOperator<PayloadSample> samples = payloadSamples(env, s, s.dpi().payloadTopic());
            sampleDeadLetters = samples.getSideOutput(DeadLetterSplitter.DEAD_LETTERS);
            classified = DpiStage.classify(flows, samples, s.dpi());
            classified.sinkTo(DpiStage.verdictSink(s.kafkaBootstrap(), s.dpi()))
                    .uid("verdicts-kafka").name("verdicts: " + s.dpi().verdictsTopic());
        } else {
            classified = flows.map(ClassifiedFlow::unclassified).returns(ClassifiedFlow.class)
                    .uid("no-dpi").name("no DPI");
        }

        if (s.detect() != null) {
            detect(flows, classified, s);
        }

        classified.sinkTo(new ClickHouseSink<>(s.clickhouse(), new FlowRecordRows(), s.batching()))
                .uid("flows-clickhouse").name("ClickHouse flows");

        SingleOutputStreamOperator<ClassifiedFlow> onTime = classified
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
        if (sampleDeadLetters != null) {
            deadLetters = deadLetters.union(sampleDeadLetters);
        }
        deadLetterSink(deadLetters, s.kafkaBootstrap(), s.deadLetterTopic());
    }

    /**
     * The detectors on the decoded flow records, before DPI: they read flags, counts and times only, so they need
     * no payload and do not wait for the join. Event time is the flow's last packet, as the source assigned it. The
     * DNS anomaly detector reads the classified flows (query names and response codes from DPI; without DPI only its
     * query rate works).
     * Both sinks are at least once: an alert carries its episode's identity (detector, link, subject, episode id),
     * and {@code alerts} is a ReplacingMergeTree on it, so a duplicate written after a restart replaces its copy;
     * consumers of alerts.v1 dedupe on the same identity.
     */
    private static void detect(DataStream<FlowRecord> flows, DataStream<ClassifiedFlow> classified, AggregationSettings s) {
        DataStream<Alert> alerts = DetectStage.detect(flows, s.detect()).union(DetectStage.dns(classified, s.detect()));
        alerts.sinkTo(new ClickHouseSink<>(s.clickhouse(), new AlertRows(), s.batching()))
                .uid("alerts-clickhouse").name("ClickHouse alerts");
        alerts.sinkTo(KafkaSink.<Alert>builder()
                        .setBootstrapServers(s.kafkaBootstrap())
                        .setRecordSerializer(new AlertSerializer(s.alertsTopic()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build())
                .uid("alerts-kafka").name("alerts: " + s.alertsTopic());
        if (s.detect().heavyHitters().enabled()) {
            DetectStage.heavyHitters(flows, s.detect().heavyHitters())
                    .sinkTo(new ClickHouseSink<>(s.clickhouse(), new HeavyHitterRows(), s.batching()))
                    .uid("heavy-hitters-clickhouse").name("ClickHouse heavy_hitters");
        }
    }

    /** Records that do not decode (or came too late), byte for byte with the reason, at least once. */
    static void deadLetterSink(DataStream<DeadLetter> deadLetters, String kafkaBootstrap, String topic) {
        deadLetters.sinkTo(KafkaSink.<DeadLetter>builder()
                        .setBootstrapServers(kafkaBootstrap)
                        .setRecordSerializer(new DeadLetterSerializer(topic))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build())
                .uid("dead-letters").name("dead letters: " + topic);
    }

    /** payload.v1, decoded, with the same watermark policy as the flows (event time: the sample's capture time). */
    private static SingleOutputStreamOperator<PayloadSample> payloadSamples(StreamExecutionEnvironment env,
                                                                            AggregationSettings s, String topic) {
        return env.fromSource(KafkaTopicSource.of(s, topic, PayloadSample.class),
                        sampleWatermarks(s.bounded(), s.maxOutOfOrderness(), s.idleness()), "payload: " + topic)
                .uid("payload-source")
                .process(new DeadLetterSplitter<PayloadSample>()).uid("payload-decode").name("decode payload samples");
    }

    /** As {@link #flowWatermarks}: none until the end of input when bounded, else bounded out-of-orderness + idleness. */
    static WatermarkStrategy<Envelope<PayloadSample>> sampleWatermarks(boolean bounded, Duration outOfOrderness,
                                                                       Duration idleness) {
        WatermarkStrategy<Envelope<PayloadSample>> base = bounded
                ? WatermarkStrategy.noWatermarks()
                : WatermarkStrategy.<Envelope<PayloadSample>>forBoundedOutOfOrderness(outOfOrderness)
                        .withIdleness(idleness);
        return base.withTimestampAssigner((e, kafkaTs) -> e.record != null
                ? Math.floorDiv(e.record.getTsUs(), 1000) : Long.MIN_VALUE);
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
        return flowWatermarks(s.bounded(), s.maxOutOfOrderness(), s.idleness());
    }

    static WatermarkStrategy<Envelope<FlowRecord>> flowWatermarks(boolean bounded, Duration outOfOrderness,
                                                                  Duration idleness) {
        WatermarkStrategy<Envelope<FlowRecord>> base = bounded
                ? WatermarkStrategy.noWatermarks()
                : WatermarkStrategy.<Envelope<FlowRecord>>forBoundedOutOfOrderness(outOfOrderness)
                        .withIdleness(idleness);
        // Dead letters have no flow time: Long.MIN_VALUE keeps them from moving the watermark.
        return base.withTimestampAssigner((e, kafkaTs) -> e.record != null ? e.record.getLastMs() : Long.MIN_VALUE);
    }
}
