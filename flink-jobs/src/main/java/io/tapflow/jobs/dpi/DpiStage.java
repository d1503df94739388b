package io.tapflow.jobs.dpi;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The DPI sub-graph, shared by the aggregation job (live) and the replay job: decoded flow records and payload
 * samples in, classified flows out (event time = the flow's last packet, as the records had).
 *
 * <pre>
 *   flows ──keyBy(identity)──┐
 *                            ├─ FlowClassifier ──▶ FlowEventTime ──▶ ClickHouse, aggregates, verdicts.v1
 *   samples ─keyBy(identity)─┘
 * </pre>
 */
public final class DpiStage {
    private DpiStage() {
    }

    public static SingleOutputStreamOperator<ClassifiedFlow> classify(DataStream<FlowRecord> flows,
                                                                      DataStream<PayloadSample> samples,
                                                                      DpiSettings settings) {
        return flows.keyBy(FlowIdentity.OF_FLOW, BinaryKey.TYPE)
                .connect(samples.keyBy(FlowIdentity.OF_SAMPLE, BinaryKey.TYPE))
                .process(new FlowClassifier(settings), TypeInformation.of(ClassifiedFlow.class))
                .uid("dpi-classify").name("DPI: classify flows (" + settings.analysis() + ", " + settings.rules().version() + ")")
                .transform("flow event time", TypeInformation.of(ClassifiedFlow.class), new FlowEventTime())
                .uid("dpi-event-time");
    }

    /**
     * verdicts.v1, keyed like flows.v1 (a flow's verdict lands in the partition of its record). At-least-once: a
     * verdict carries its flow's identity and analysis, so a consumer (or ClickHouse's ReplacingMergeTree) absorbs a
     * duplicate after a restart, while exactly-once would need Kafka transactions, read_committed consumers and
     * verdicts held back until each checkpoint completes.
     */
    public static KafkaSink<ClassifiedFlow> verdictSink(String kafkaBootstrap, DpiSettings settings) {
        return KafkaSink.<ClassifiedFlow>builder()
                .setBootstrapServers(kafkaBootstrap)
                .setRecordSerializer(new FlowVerdictSerializer(settings.verdictsTopic(), settings.analysis(),
                        settings.rules().version()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
