package io.tapflow.localstack;

import org.junit.jupiter.api.Test;

/**
 * Captures → agents → real Kafka (embedded KRaft broker) → Flink MiniCluster → real ClickHouse (Debian's 18.16
 * clickhouse-server): see {@link PipelineChecks}. {@link ProductionVersionsEndToEndIT} runs the same checks on
 * current images where Docker exists.
 */
class PipelineEndToEndIT {
    @Test
    void everyPublishedFlowReachesClickHouseOnceAndTheAggregatesAddUp() throws Exception {
        try (LocalStack stack = LocalStack.start()) {
            PipelineChecks.everyPublishedFlowReachesClickHouseOnceAndTheAggregatesAddUp(stack);
        }
    }
}
