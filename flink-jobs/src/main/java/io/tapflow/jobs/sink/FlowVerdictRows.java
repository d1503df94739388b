package io.tapflow.jobs.sink;

import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.schema.FlowRecord;
import java.util.List;

/**
 * A replay's verdict → a row of {@code flow_verdicts} (schemas/.../0006_flow_verdicts.sql). ver is the write time, so
 * running an analysis again replaces its earlier verdicts.
 */
public final class FlowVerdictRows extends TableRows<ClassifiedFlow> {
    private static final long serialVersionUID = 1L;
    private static final List<String> COLUMNS = List.of("time", "analysis", "rules_version", "first_ms", "last_ms",
            "agent_id", "agent_start_ms", "flow_seq", "link_id", "app", "master", "category", "server_name", "ja3",
            "ja4", "confidence", "samples", "written_ms", "ver");
    private final String analysis;
    private final String rulesVersion;

    public FlowVerdictRows(String analysis, String rulesVersion) {
        super("flow_verdicts", COLUMNS);
        this.analysis = analysis;
        this.rulesVersion = rulesVersion;
    }

    @Override
    public void encode(ClassifiedFlow c, RowBinaryOutput out) {
        FlowRecord r = c.flow;
        long now = System.currentTimeMillis();
        out.dateTimeOfMillis(r.getFirstMs())
                .string(analysis)
                .string(rulesVersion)
                .uint64(r.getFirstMs())
                .uint64(r.getLastMs())
                .string(r.getAgentId())
                .uint64(r.getAgentStartMs())
                .uint64(r.getFlowSeq())
                .string(r.getLinkId())
                .string(c.app)
                .string(c.master)
                .string(c.category)
                .string(c.serverName)
                .string(c.ja3)
                .string(c.ja4)
                .string(c.confidence)
                .uint32(c.samples)
                .uint64(now)
                .uint64(now);
    }
}
