package io.tapflow.agent.stats;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tapflow.agent.decode.MalformedReason;
import io.tapflow.agent.export.FlowSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Prometheus endpoint ({@code /metrics}) over the agent's counters, read from the last flush cycle's snapshot, and
 * {@code /health} for liveness probes: 200 while every capture thread runs, 503 once one has stopped.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    public MetricsEndpoint(int port, Supplier<StatsSnapshot> stats, Supplier<FlowSink.SinkCounters> sink, String agentId, String linkId) {
        this(port, stats, sink, agentId, linkId, () -> true);
    }

    public MetricsEndpoint(int port, Supplier<StatsSnapshot> stats, Supplier<FlowSink.SinkCounters> sink, String agentId, String linkId,
                           BooleanSupplier healthy) {
        PrometheusRegistry registry = new PrometheusRegistry();
        counter(registry, "tapflow_agent_packets", "Frames read", () -> stats.get().counters().packets);
        counter(registry, "tapflow_agent_bytes", "Bytes read (wire length)", () -> stats.get().counters().bytes);
        counter(registry, "tapflow_agent_unsupported_frames", "Valid frames without an IP flow (ARP, LLDP, ...)",
                () -> stats.get().counters().notIp);
        CounterWithCallback.builder().name("tapflow_agent_malformed_frames").help("Frames skipped as malformed, by reason")
                .labelNames("reason").callback(cb -> {
                    long[] m = stats.get().counters().malformed;
                    for (MalformedReason r : MalformedReason.values()) {
                        cb.call(m[r.ordinal()], r.label());
                    }
                }).register(registry);
        counter(registry, "tapflow_agent_flows_created", "Flows created", () -> stats.get().flowsCreated());
        counter(registry, "tapflow_agent_flows_exported", "Flow records exported", () -> stats.get().counters().flowsExported);
        counter(registry, "tapflow_agent_flows_evicted", "Flows evicted because the table was full", () -> stats.get().flowsEvicted());
        counter(registry, "tapflow_agent_payload_samples", "Payload samples taken", () -> stats.get().counters().samples);
        counter(registry, "tapflow_agent_payload_samples_matched", "Payload samples in which the pattern matcher found a signature",
                () -> stats.get().counters().samplesMatched);
        counter(registry, "tapflow_agent_signature_ids_dropped", "Signature ids of samples their flow record had no room for",
                () -> stats.get().counters().signatureIdsDropped);
        counter(registry, "tapflow_agent_fragments_unmatched", "Later IP fragments whose first fragment was not seen",
                () -> stats.get().fragmentsUnmatched());
        counter(registry, "tapflow_agent_capture_drops", "Frames the capture source lost", () -> stats.get().captureDrops());
        counter(registry, "tapflow_agent_kafka_sent", "Records acknowledged by Kafka", () -> sink.get().sent());
        counter(registry, "tapflow_agent_kafka_failed", "Records Kafka rejected or that timed out", () -> sink.get().failed());
        counter(registry, "tapflow_agent_kafka_dropped", "Records dropped because the outbox was full", () -> sink.get().dropped());
        GaugeWithCallback.builder().name("tapflow_agent_flows_active").help("Flows in the table")
                .callback(cb -> cb.call(stats.get().flowsActive())).register(registry);
        GaugeWithCallback.builder().name("tapflow_agent_info").help("Agent identity").labelNames("agent_id", "link_id")
                .callback(cb -> cb.call(1, agentId, linkId)).register(registry);
        try {
            server = HttpServer.create(new InetSocketAddress(port), 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the metrics endpoint on port " + port + ": " + e.getMessage(), e);
        }
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/health", exchange -> health(exchange, healthy.getAsBoolean()));
        executor = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("metrics-http").daemon().unstarted(r));
        server.setExecutor(executor);
        server.start();
    }

    private static void health(HttpExchange exchange, boolean healthy) throws IOException {
        byte[] body = (healthy ? "ok\n" : "capture stopped\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void counter(PrometheusRegistry registry, String name, String help, java.util.function.LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
