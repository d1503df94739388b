package io.tapflow.jobs.dpi;

import io.tapflow.classifier.verdict.Verdict;
import io.tapflow.schema.FlowRecord;

/**
 * A flow record with its DPI verdict: what the raw-flow sink, the aggregates and the verdict outputs consume. A Flink
 * POJO (public fields, no-arg constructor) so that it crosses exchanges without Kryo; the record is Avro-serialized.
 * Without DPI the verdict fields are empty strings, as the {@code flows} columns were before DPI.
 */
public final class ClassifiedFlow {
    public FlowRecord flow;
    public String app = "";
    public String master = "";
    public String category = "";
    public String serverName = "";
    public String ja3 = "";
    public String ja4 = "";
    /** {@link io.tapflow.classifier.verdict.Confidence} name, or "" without DPI. */
    public String confidence = "";
    /** Payload samples the verdict was made from. */
    public int samples;
    /** DNS flows (the DNS dissector named them): the first question's type, else 0. */
    public int dnsQueryType;
    /** DNS flows: the response code of the first query's response, -1 when none was seen (or not DNS, or no DPI). */
    public int dnsRcode = -1;
    /** DNS flows: that response's answer count. */
    public int dnsAnswers;

    public ClassifiedFlow() {
    }

    public static ClassifiedFlow unclassified(FlowRecord flow) {
        ClassifiedFlow c = new ClassifiedFlow();
        c.flow = flow;
        return c;
    }

    public static ClassifiedFlow of(FlowRecord flow, Verdict v, int samples) {
        ClassifiedFlow c = new ClassifiedFlow();
        c.flow = flow;
        c.app = v.app();
        c.master = v.master();
        c.category = v.category();
        c.serverName = v.serverName();
        c.ja3 = v.ja3();
        c.ja4 = v.ja4();
        c.confidence = v.confidence().name();
        c.samples = samples;
        c.dnsQueryType = v.dns().queryType();
        c.dnsRcode = v.dns().rcode();
        c.dnsAnswers = v.dns().answers();
        return c;
    }

    /** The application the aggregates key on: empty when DPI did not run, else the verdict's ("Unknown" included). */
    public String aggregateApp() {
        return app;
    }

    @Override
    public String toString() {
        return flow.getAgentId() + "/" + flow.getAgentStartMs() + "/" + flow.getFlowSeq() + " " + app
                + (master.isEmpty() ? "" : " over " + master) + " (" + confidence + ")";
    }
}
