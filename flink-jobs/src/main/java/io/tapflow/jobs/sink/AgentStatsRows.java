package io.tapflow.jobs.sink;

import io.tapflow.schema.AgentStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** AgentStats → a row of agent_stats; the malformed-by-reason map becomes two parallel arrays, sorted by reason. */
public final class AgentStatsRows extends TableRows<AgentStats> {
    private static final long serialVersionUID = 1L;
    private static final List<String> COLUMNS = List.of("time", "ts_ms", "agent_id", "agent_start_ms", "link_id",
            "interval_ms", "packets", "bytes", "malformed_reasons", "malformed_counts", "unsupported", "capture_drops",
            "flows_active", "flows_created", "flows_exported", "flows_evicted", "samples", "kafka_sent",
            "kafka_failed", "kafka_dropped", "capture_interface");

    public AgentStatsRows() {
        super("agent_stats", COLUMNS);
    }

    @Override
    public void encode(AgentStats s, RowBinaryOutput out) {
        out.dateTimeOfMillis(s.getTsMs()).uint64(s.getTsMs()).string(s.getAgentId()).uint64(s.getAgentStartMs())
                .string(s.getLinkId()).uint64(s.getIntervalMs()).uint64(s.getPackets()).uint64(s.getBytes());
        Map<String, Long> malformed = new TreeMap<>();
        s.getMalformed().forEach((k, v) -> malformed.put(k.toString(), v));
        out.arrayLength(malformed.size());
        malformed.keySet().forEach(out::string);
        out.arrayLength(malformed.size());
        malformed.values().forEach(out::uint64);
        out.uint64(s.getUnsupported()).uint64(s.getCaptureDrops()).uint64(s.getFlowsActive())
                .uint64(s.getFlowsCreated()).uint64(s.getFlowsExported()).uint64(s.getFlowsEvicted())
                .uint64(s.getSamples()).uint64(s.getKafkaSent()).uint64(s.getKafkaFailed())
                .uint64(s.getKafkaDropped()).string(s.getCaptureInterface());
    }
}
