package io.tapflow.agent.classify;

import io.tapflow.agent.export.AddressFormat;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.JsonLinesSink;
import io.tapflow.agent.export.Protocols;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.CycleListener;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.verdict.Verdict;
import io.tapflow.schema.EndReason;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies the flows of one capture: the agent's decoder and flow table, with every flow's first payload packets
 * per direction (up to the sampler's maximum) fed to a classifier in capture order. Writes JSON lines (the agent's
 * flow fields plus app, master, category, server_name, ja3, ja4, confidence) and returns the verdicts.
 */
public final class ClassifyRun {
    /** Payload packets per direction fed to the classifier: the sampler's maximum. */
    public static final int PACKETS = MeterSettings.MAX_SAMPLES_PER_DIRECTION;
    /** Bytes of each payload: enough for a QUIC Initial or a large TLS ClientHello segment. */
    public static final int BYTES = 4096;

    public record Result(List<ClassifiedFlow> flows, CaptureReplay.Result replay) {
    }

    private ClassifyRun() {
    }

    public static Result run(Path capture, ClassifierEngine engine, Writer out) {
        return run(capture, engine, null, out, PACKETS, BYTES);
    }

    /**
     * @param matcher scans every sample as the agent's meter does, its ids going to the classifier; null for none.
     *                Its signature set must be the engine's, whose ids the classifier understands.
     */
    public static Result run(Path capture, ClassifierEngine engine, PatternMatcher matcher, Writer out) {
        return run(capture, engine, matcher, out, PACKETS, BYTES);
    }

    /**
     * As {@link #run(Path, ClassifierEngine, Writer)} with the sampler set to {@code packets} per direction of
     * {@code bytes} each: what a Flink DPI job sees of an agent sampling that way.
     */
    public static Result run(Path capture, ClassifierEngine engine, Writer out, int packets, int bytes) {
        return run(capture, engine, null, out, packets, bytes);
    }

    /** The sampler set to {@code packets} per direction of {@code bytes} each, and {@code matcher} (or null) scanning. */
    public static Result run(Path capture, ClassifierEngine engine, PatternMatcher matcher, Writer out, int packets, int bytes) {
        if (matcher != null && matcher.signatures() != engine.signatures()) {
            throw new IllegalArgumentException("the matcher's signatures (" + matcher.signatures().source()
                    + ") are not the classifier's (" + (engine.signatures() == null ? "none" : engine.signatures().source()) + ")");
        }
        MeterSettings d = MeterSettings.defaults();
        MeterSettings settings = new MeterSettings(d.flowCapacity(), d.idleTimeoutNs(), d.activeTimeoutNs(), d.flushIntervalNs(),
                d.closeGraceNs(), packets, bytes, d.fragmentEntries());
        ClassifyingSink classify = new ClassifyingSink(engine);
        List<ClassifiedFlow> flows = new ArrayList<>();
        String link = capture.getFileName().toString();
        AgentIdentity identity = new AgentIdentity("classify", link, System.currentTimeMillis());
        JsonLinesSink.ExtraFields fields = (b, t, slot, reason) -> {
            Verdict v = classify.currentVerdict();
            flows.add(new ClassifiedFlow(Protocols.name(t.protocol(slot)), address(t, slot, true), t.srcPort(slot),
                    address(t, slot, false), t.dstPort(slot), v, t.flowSeq(slot),
                    Math.floorDiv(t.firstNs(slot), 1_000_000L)));
            appendVerdict(b, v);
        };
        JsonLinesSink json = new JsonLinesSink(out == null ? Writer.nullWriter() : out, identity, fields);
        classify.downstream(json);
        CycleListener none = (meter, cycleEndNs, last) -> { };
        Meter meter = new Meter(settings, classify, none, matcher);
        CaptureReplay.Result replay = new CaptureReplay(meter, 0, () -> false).run(List.of(capture));
        meter.finish(EndReason.END_OF_INPUT);
        classify.close();
        return new Result(flows, replay);
    }

    static void appendVerdict(StringBuilder b, Verdict v) {
        b.append(",\"app\":");
        JsonLinesSink.quote(b, v.app());
        b.append(",\"master\":");
        JsonLinesSink.quote(b, v.master());
        b.append(",\"category\":");
        JsonLinesSink.quote(b, v.category());
        b.append(",\"server_name\":");
        JsonLinesSink.quote(b, v.serverName());
        b.append(",\"ja3\":");
        JsonLinesSink.quote(b, v.ja3());
        b.append(",\"ja4\":");
        JsonLinesSink.quote(b, v.ja4());
        b.append(",\"confidence\":\"").append(v.confidence().name()).append('"');
    }

    private static String address(FlowTable t, int slot, boolean src) {
        StringBuilder b = new StringBuilder(40);
        return src ? AddressFormat.append(b, t.srcHi(slot), t.srcLo(slot)).toString()
                : AddressFormat.append(b, t.dstHi(slot), t.dstLo(slot)).toString();
    }
}
