package io.tapflow.localstack;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.clickhouse.ClickHouseContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * {@link PipelineChecks} against the versions production runs: a current Kafka and a current ClickHouse, as
 * Testcontainers images. It needs Docker and skips, saying so, where there is none (as on the project's build
 * machines, where {@link PipelineEndToEndIT} on the embedded broker and Debian's ClickHouse 18.16 is the proof). The
 * same DDL and queries must pass on both ClickHouse versions; that is the point of running the same checks.
 */
class ProductionVersionsEndToEndIT {
    static final String KAFKA_IMAGE = "apache/kafka:4.2.0";
    static final String CLICKHOUSE_IMAGE = "clickhouse/clickhouse-server:25.8";

    @Test
    void everyPublishedFlowReachesCurrentClickHouseOnceAndTheAggregatesAddUp() throws Exception {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine here: the checks against " + KAFKA_IMAGE + " and " + CLICKHOUSE_IMAGE
                        + " run where Docker exists; PipelineEndToEndIT runs them on the embedded servers");
        try (KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
             ClickHouseContainer clickhouse = new ClickHouseContainer(CLICKHOUSE_IMAGE)) {
            kafka.start();
            clickhouse.start();
            ClickHouseSettings settings = new ClickHouseSettings(
                    "http://" + clickhouse.getHost() + ":" + clickhouse.getMappedPort(8123),
                    ClickHouseSettings.DEFAULT_DATABASE, clickhouse.getUsername(), clickhouse.getPassword());
            try (LocalStack stack = LocalStack.on(kafka.getBootstrapServers(), settings)) {
                PipelineChecks.everyPublishedFlowReachesClickHouseOnceAndTheAggregatesAddUp(stack);
            }
        }
    }
}
