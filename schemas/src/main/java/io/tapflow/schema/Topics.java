package io.tapflow.schema;

/** Default Kafka topic names; every component lets the operator override them. */
public final class Topics {
    public static final String FLOWS = "flows.v1";
    public static final String PAYLOAD = "payload.v1";
    public static final String AGENT_STATS = "agent-stats.v1";
    /** {@link FlowVerdict}s of the DPI stage, live and replayed (tagged with the analysis name). */
    public static final String VERDICTS = "verdicts.v1";
    /** Records a job could not use (undecodable, or later than the allowed lateness), with the reason in headers. */
    public static final String DEAD_LETTER = "dead-letter.v1";
    /** {@link Alert}s of the behavioural detectors: an OPEN and a CLOSED record per episode. */
    public static final String ALERTS = "alerts.v1";

    private Topics() {
    }
}
