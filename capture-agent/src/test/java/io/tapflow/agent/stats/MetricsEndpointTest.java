package io.tapflow.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.decode.MalformedReason;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.meter.MeterCounters;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    @Test
    void servesTheCountersInPrometheusTextFormat() throws Exception {
        MeterCounters c = new MeterCounters();
        c.packets = 1234;
        c.bytes = 99_000;
        c.malformed[MalformedReason.TRUNCATED_IP_HEADER.ordinal()] = 7;
        c.samplesMatched = 11;
        c.signatureIdsDropped = 3;
        StatsSnapshot snapshot = new StatsSnapshot(c, 40, 2, 5, 1, 0);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (MetricsEndpoint endpoint = new MetricsEndpoint(port, () -> snapshot, () -> new FlowSink.SinkCounters(30, 1, 4), "a1", "eth0")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body).contains("tapflow_agent_packets_total 1234");
            assertThat(body).contains("tapflow_agent_malformed_frames_total{reason=\"truncated_ip_header\"} 7");
            assertThat(body).contains("tapflow_agent_flows_created_total 40");
            assertThat(body).contains("tapflow_agent_kafka_dropped_total 4");
            assertThat(body).contains("tapflow_agent_payload_samples_matched_total 11");
            assertThat(body).contains("tapflow_agent_signature_ids_dropped_total 3");
            assertThat(body).contains("tapflow_agent_flows_active 5");
            assertThat(body).contains("tapflow_agent_info{agent_id=\"a1\",link_id=\"eth0\"} 1");
        }
    }

    @Test
    void healthIsOkWhileCaptureRunsAndUnavailableAfter() throws Exception {
        boolean[] healthy = {true};
        try (MetricsEndpoint endpoint = new MetricsEndpoint(0, () -> StatsSnapshot.EMPTY, () -> FlowSink.SinkCounters.NONE, "a1", "eth0",
                () -> healthy[0])) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/health")).build();
            assertThat(client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            healthy[0] = false;
            HttpResponse<String> down = client.send(health, HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("capture stopped");
        }
    }
}
