package io.tapflow.jobs;

import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.jobs.dpi.DpiStage;
import io.tapflow.jobs.sink.ClickHouseSink;
import io.tapflow.jobs.sink.FlowVerdictRows;
import io.tapflow.jobs.source.DeadLetterSplitter;
import io.tapflow.jobs.source.Envelope;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Reanalysis: flows.v1 and payload.v1 over a time range, through the same {@link DpiStage} as the live job with
 * other rules, into {@code flow_verdicts} and the verdicts topic under an analysis name. It never writes
 * {@code flows}, the aggregates or the dead-letter topic (records that do not decode were dead-lettered live; here
 * they are only counted), and never commits offsets: the live results and the live job's group stay as they were.
 * Bounded: Kafka offsets for the range are looked up by record timestamp, and no watermark is emitted before the
 * end of input, so every flow is classified with all of its samples in the range.
 */
public final class ReplayJob {
    public static final String NAME = "tapflow-replay";

    private ReplayJob() {
    }

    public static void build(StreamExecutionEnvironment env, ReplaySettings s) {
        JobEnvironment.configure(env, s.checkpointInterval());
        SingleOutputStreamOperator<FlowRecord> flows = decoded(env, s, s.flowsTopic(), FlowRecord.class,
                s.from(), "flows");
        SingleOutputStreamOperator<PayloadSample> samples = decoded(env, s, s.dpi().payloadTopic(),
                PayloadSample.class, s.from().minus(s.payloadLead()), "payload");
        SingleOutputStreamOperator<ClassifiedFlow> classified = DpiStage.classify(flows, samples, s.dpi());
        classified.sinkTo(new ClickHouseSink<>(s.clickhouse(),
                        new FlowVerdictRows(s.dpi().analysis(), s.dpi().rules().version()), s.batching()))
                .uid("verdicts-clickhouse").name("ClickHouse flow_verdicts (" + s.dpi().analysis() + ")");
        classified.sinkTo(DpiStage.verdictSink(s.kafkaBootstrap(), s.dpi()))
                .uid("verdicts-kafka").name("verdicts: " + s.dpi().verdictsTopic());
    }

    private static <T extends SpecificRecordBase> SingleOutputStreamOperator<T> decoded(
            StreamExecutionEnvironment env, ReplaySettings s, String topic, Class<T> type, Instant start, String what) {
        KafkaSource<Envelope<T>> source = KafkaTopicSource.of(s.kafkaBootstrap(), s.groupId(), topic, type,
                OffsetsInitializer.timestamp(start.toEpochMilli()), OffsetsInitializer.timestamp(s.to().toEpochMilli()),
                false);
        return env.fromSource(source, WatermarkStrategy.<Envelope<T>>noWatermarks()
                                .withTimestampAssigner((e, kafkaTs) -> e.record == null ? Long.MIN_VALUE
                                        : e.record instanceof FlowRecord r ? r.getLastMs()
                                        : Math.floorDiv(((PayloadSample) e.record).getTsUs(), 1000)),
                        what + ": " + topic + " " + start + " .. " + s.to())
                .uid(what + "-source")
                .process(new DeadLetterSplitter<T>()).uid(what + "-decode").name("decode " + what);
    }
}
