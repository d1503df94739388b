package io.tapflow.jobs.dpi;

import io.tapflow.classifier.Classifier;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.dissect.Packet;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.classifier.match.MatcherEngine;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.match.PatternScanner;
import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Direction;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each flow record with its payload samples (keyed by {@link FlowIdentity}) and classifies it, as the
 * {@code classify} command does: the samples fed in capture order to a fresh {@link Classifier}, the verdict taken when
 * the flow is done.
 *
 * <p>The two topics are read independently, so a record may arrive before or after its samples. The flow is
 * classified on an event-time timer at its last packet: once the watermark (the slower of both inputs) passes it,
 * every sample of the flow has arrived, as far as the sources' out-of-orderness bound holds. In bounded mode there is
 * no watermark before the end of input, so every flow is classified then, with all its samples.
 *
 * <p>Records of current agents say how many samples they took ({@code payload_samples}): once that many have come,
 * the flow is classified at once, not at the watermark, so raw rows are not held back and bounded runs keep no state
 * for finished flows. Such a verdict is emitted with the sample's or record's timestamp; {@link FlowEventTime}
 * downstream puts the flow's own event time back. Records without the count (-1, older agents) wait for the timer.
 *
 * <p>Nothing is dropped silently: samples beyond the per-flow bounds ({@code samplesOverBound}), samples whose record
 * never comes ({@code orphanSamples}, on a cleanup timer rather than state TTL, which would drop them uncounted), and
 * samples arriving after their flow was classified ({@code lateSamples}).
 */
public final class FlowClassifier extends KeyedCoProcessFunction<BinaryKey, FlowRecord, PayloadSample, ClassifiedFlow> {
    private static final long serialVersionUID = 1L;
    /** Capture order: the agent's timestamps, then its packet index within the flow for equal timestamps. */
    private static final Comparator<PayloadSample> CAPTURE_ORDER =
            Comparator.comparingLong(PayloadSample::getTsUs).thenComparingInt(PayloadSample::getPacketIndex);

    private final DpiSettings settings;
    private transient ClassifierEngine engine;
    private transient Classifier classifier;
    private transient ValueState<FlowRecord> record;
    private transient ListState<PayloadSample> samples;
    /**
     * Samples received (16 bits, those over the bounds included), samples held (16 bits) and their bytes (32 bits),
     * packed into one value: saves reading the list on every sample.
     */
    private transient ValueState<Long> held;
    /** Set once the flow is classified: until this event time, its samples are late, not orphans. */
    private transient ValueState<Long> classifiedUntil;
    private transient Counter flowsClassified;
    private transient Counter samplesUsed;
    private transient Counter samplesOverBound;
    private transient Counter orphanSamples;
    private transient Counter lateSamples;
    private transient byte[] scratch;
    /** The job's own scan of each sample, when its signature set is not the agents' (a replay with other signatures). */
    private transient PatternMatcher matcher;
    private transient PatternScanner scanner;
    private transient MatchedIds ids;
    private transient int[] sampleIds;

    public FlowClassifier(DpiSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        engine = settings.rules().engine(); // one per subtask: engines are not thread-safe
        classifier = engine.newClassifier();
        if (settings.rules().signaturesFile()) {
            matcher = MatcherEngine.AHO_CORASICK.compile(engine.signatures());
            scanner = matcher.newScanner();
        }
        ids = MatchedIds.forSet(engine.signatures());
        sampleIds = new int[16];
        var ctx = getRuntimeContext();
        record = ctx.getState(new ValueStateDescriptor<>("record", TypeInformation.of(FlowRecord.class)));
        samples = ctx.getListState(new ListStateDescriptor<>("samples", TypeInformation.of(PayloadSample.class)));
        held = ctx.getState(new ValueStateDescriptor<>("held", Types.LONG));
        classifiedUntil = ctx.getState(new ValueStateDescriptor<>("classified-until", Types.LONG));
        var metrics = ctx.getMetricGroup();
        flowsClassified = metrics.counter("flowsClassified");
        samplesUsed = metrics.counter("samplesUsed");
        samplesOverBound = metrics.counter("samplesOverBound");
        orphanSamples = metrics.counter("orphanSamples");
        lateSamples = metrics.counter("lateSamples");
        scratch = new byte[0];
    }

    @Override
    public void processElement1(FlowRecord r, Context ctx, Collector<ClassifiedFlow> out) throws Exception {
        int expected = r.getPayloadSamples();
        if (expected == 0) {
            out.collect(classify(r, List.of())); // nothing to wait for, nothing to keep, no state to read
            return;
        }
        if (expected > 0 && received(held.value()) >= expected) {
            classifyNow(r, ctx, out);
            return;
        }
        record.update(r);
        classifiedUntil.clear();
        ctx.timerService().registerEventTimeTimer(r.getLastMs());
    }

    @Override
    public void processElement2(PayloadSample s, Context ctx, Collector<ClassifiedFlow> out) throws Exception {
        if (classifiedUntil.value() != null) {
            lateSamples.inc();
            return;
        }
        Long h = held.value();
        long received = received(h) + 1;
        long count = h == null ? 0 : h >>> 32 & 0xFFFF;
        long bytes = h == null ? 0 : h & 0xFFFF_FFFFL;
        int len = s.getPayload().remaining();
        if (count >= settings.maxSamplesPerFlow() || bytes + len > settings.maxBytesPerFlow()) {
            samplesOverBound.inc();
        } else {
            samples.add(s);
            count++;
            bytes += len;
        }
        held.update(Math.min(received, 0xFFFF) << 48 | count << 32 | bytes);
        FlowRecord r = record.value();
        if (r == null) {
            if (received == 1) {
                ctx.timerService().registerEventTimeTimer(s.getTsUs() / 1000 + settings.orphanTimeout().toMillis());
            }
        } else if (r.getPayloadSamples() > 0 && received >= r.getPayloadSamples()) {
            ctx.timerService().deleteEventTimeTimer(r.getLastMs());
            classifyNow(r, ctx, out);
        }
    }

    private static long received(Long held) {
        return held == null ? 0 : held >>> 48;
    }

    /** Every sample the agent took is here: classify before the watermark, then treat more samples as late. */
    private void classifyNow(FlowRecord r, Context ctx, Collector<ClassifiedFlow> out) throws Exception {
        out.collect(classify(r));
        record.clear();
        samples.clear();
        held.clear();
        long until = r.getLastMs() + settings.lateSampleWindow().toMillis();
        classifiedUntil.update(until);
        ctx.timerService().registerEventTimeTimer(until);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClassifiedFlow> out) throws Exception {
        FlowRecord r = record.value();
        if (r != null) {
            if (timestamp >= r.getLastMs()) { // else an orphan-cleanup timer from before the record came: wait
                out.collect(classify(r));
                record.clear();
                samples.clear();
                held.clear();
                long until = timestamp + settings.lateSampleWindow().toMillis();
                classifiedUntil.update(until);
                ctx.timerService().registerEventTimeTimer(until);
            }
            return;
        }
        Long until = classifiedUntil.value();
        if (until != null) {
            if (timestamp >= until) {
                classifiedUntil.clear();
            }
            return;
        }
        Long h = held.value();
        if (h != null) {
            orphanSamples.inc(h >>> 32 & 0xFFFF);
            samples.clear();
            held.clear();
        }
    }

    /** For tests: a counter's value by its metric name. */
    long counted(String metric) {
        return switch (metric) {
            case "flowsClassified" -> flowsClassified.getCount();
            case "samplesUsed" -> samplesUsed.getCount();
            case "samplesOverBound" -> samplesOverBound.getCount();
            case "orphanSamples" -> orphanSamples.getCount();
            case "lateSamples" -> lateSamples.getCount();
            default -> throw new IllegalArgumentException("no such counter: " + metric);
        };
    }

    private ClassifiedFlow classify(FlowRecord r) throws Exception {
        List<PayloadSample> ordered = new ArrayList<>();
        for (PayloadSample s : samples.get()) {
            ordered.add(s);
        }
        ordered.sort(CAPTURE_ORDER);
        return classify(r, ordered);
    }

    /** @param ordered the flow's samples in capture order */
    private ClassifiedFlow classify(FlowRecord r, List<PayloadSample> ordered) {
        Classifier c = classifier.start(r.getL4Proto(), r.getSrcPort(), r.getDstPort(), clientEndpoint(r));
        for (PayloadSample s : ordered) {
            if (c.decided()) {
                break;
            }
            feed(c, s, r.getL4Proto());
        }
        flowsClassified.inc();
        samplesUsed.inc(ordered.size());
        return ClassifiedFlow.of(r, c.verdict(), ordered.size());
    }

    private void feed(Classifier c, PayloadSample s, int l4proto) {
        int dir = s.getDirection() == Direction.FORWARD ? Packet.TO_SERVER : Packet.TO_CLIENT;
        ByteBuffer payload = s.getPayload();
        int len = payload.remaining();
        byte[] buf;
        int off;
        if (payload.hasArray()) {
            buf = payload.array();
            off = payload.arrayOffset() + payload.position();
        } else {
            if (scratch.length < len) {
                scratch = new byte[Math.max(len, 4096)];
            }
            payload.duplicate().get(scratch, 0, len);
            buf = scratch;
            off = 0;
        }
        if (scanner != null) { // the job's signatures: scan again
            ids.clear();
            scanner.scan(buf, off, len, l4proto, ids);
            c.feed(dir, buf, off, len, ids.array(), ids.count());
            return;
        }
        List<Integer> agentIds = s.getSignatureIds(); // the agent's matcher already scanned it
        int n = Math.min(agentIds.size(), sampleIds.length);
        for (int i = 0; i < n; i++) {
            sampleIds[i] = agentIds.get(i);
        }
        c.feed(dir, buf, off, len, sampleIds, n);
    }

    @Override
    public void close() throws Exception {
        if (matcher != null) {
            matcher.close();
        }
        super.close();
    }

    /**
     * The initiator's address and port hashed as the agent's {@code ClassifyingSink} does, so calls are followed
     * across flows the same way: (hi × 31 + lo) × 65,537 + port + 1 over the address's two big-endian halves.
     */
    static long clientEndpoint(FlowRecord r) {
        byte[] a = r.getSrcAddr().bytes();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (a[i] & 0xFF);
            lo = lo << 8 | (a[8 + i] & 0xFF);
        }
        return (hi * 31 + lo) * 65_537 + r.getSrcPort() + 1;
    }
}
