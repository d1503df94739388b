package io.tapflow.jobs.dpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.Direction;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import java.util.List;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The DPI join in Flink's keyed two-input harness: real state, timers and watermarks, the real classifier. */
class FlowClassifierTest {
    private static final long LAST_MS = 1_700_000_010_000L;
    private static final String REQUEST = "GET /index.html HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: t\r\n\r\n";

    private FlowClassifier function;
    private KeyedTwoInputStreamOperatorTestHarness<BinaryKey, FlowRecord, PayloadSample, ClassifiedFlow> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void samplesBeforeTheRecordAreClassifiedWhenTheWatermarkPassesItsLastPacket() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        sample(1, 0, Direction.FORWARD, REQUEST);
        sample(1, 1, Direction.REVERSE, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        record(1);
        harness.processBothWatermarks(new Watermark(LAST_MS - 1));
        assertThat(harness.extractOutputValues()).isEmpty(); // a sample may still come

        harness.processBothWatermarks(new Watermark(LAST_MS));

        List<ClassifiedFlow> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).app).isEqualTo("HTTP");
        assertThat(out.get(0).serverName).isEqualTo("www.example.org");
        assertThat(out.get(0).confidence).isEqualTo("DPI");
        assertThat(out.get(0).samples).isEqualTo(2);
        assertThat(out.get(0).flow.getFlowSeq()).isEqualTo(1);
        assertThat(harness.getOutput().stream().filter(e -> e instanceof StreamRecord<?>)
                .map(e -> ((StreamRecord<?>) e).getTimestamp())).containsExactly(LAST_MS);
    }

    @Test
    void samplesAfterTheRecordStillCountUntilTheWatermark() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        record(2);
        sample(2, 0, Direction.FORWARD, REQUEST);
        harness.processBothWatermarks(new Watermark(LAST_MS + 1));

        assertThat(harness.extractOutputValues()).singleElement()
                .satisfies(c -> assertThat(c.serverName).isEqualTo("www.example.org"));
    }

    @Test
    void outOfOrderSamplesAreFedInCaptureOrder() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        // One request split over two segments; arriving second-first, it only parses once sorted by capture time.
        sample(3, 1, Direction.FORWARD, REQUEST.substring(9), 2_000);
        sample(3, 0, Direction.FORWARD, REQUEST.substring(0, 9), 1_000);
        record(3);
        harness.processBothWatermarks(new Watermark(LAST_MS));

        ClassifiedFlow c = harness.extractOutputValues().get(0);
        assertThat(c.app).isEqualTo("HTTP");
        assertThat(c.serverName).isEqualTo("www.example.org");
    }

    @Test
    void aFlowWithoutSamplesGetsThePortVerdict() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        record(4);
        harness.processBothWatermarks(new Watermark(LAST_MS));

        ClassifiedFlow c = harness.extractOutputValues().get(0);
        assertThat(c.app).isEqualTo("HTTP"); // port 80
        assertThat(c.confidence).isEqualTo("PORT_GUESS");
        assertThat(c.samples).isZero();
    }

    @Test
    void samplesWhoseRecordNeverComesAreDroppedAndCounted() throws Exception {
        DpiSettings settings = DpiSettings.live(RuleSet.bundled());
        open(settings);
        sample(5, 0, Direction.FORWARD, REQUEST);
        sample(5, 1, Direction.REVERSE, "HTTP/1.1 200 OK\r\n\r\n");
        long sampleMs = LAST_MS - 500 + 1; // as sample() stamps them
        harness.processBothWatermarks(new Watermark(sampleMs + settings.orphanTimeout().toMillis() - 1));
        assertThat(function.counted("orphanSamples")).isZero();

        harness.processBothWatermarks(new Watermark(sampleMs + settings.orphanTimeout().toMillis()));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(function.counted("orphanSamples")).isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aSampleAfterTheVerdictIsCountedLateAndStateEndsWithTheLateWindow() throws Exception {
        DpiSettings settings = DpiSettings.live(RuleSet.bundled());
        open(settings);
        record(6);
        harness.processBothWatermarks(new Watermark(LAST_MS));
        sample(6, 0, Direction.FORWARD, REQUEST);

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(function.counted("lateSamples")).isEqualTo(1);
        assertThat(function.counted("orphanSamples")).isZero();
        harness.processBothWatermarks(new Watermark(LAST_MS + settings.lateSampleWindow().toMillis()));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void samplesBeyondTheBoundsAreCountedNotKept() throws Exception {
        DpiSettings live = DpiSettings.live(RuleSet.bundled());
        open(new DpiSettings(live.rules(), "bounds", live.payloadTopic(), live.verdictsTopic(), 2, 1_000,
                live.orphanTimeout(), live.lateSampleWindow()));
        sample(7, 0, Direction.FORWARD, REQUEST);
        sample(7, 1, Direction.REVERSE, "HTTP/1.1 200 OK\r\n\r\n");
        sample(7, 2, Direction.FORWARD, "third");                  // over the count
        record(7);
        sample(8, 0, Direction.FORWARD, "x".repeat(1_001));        // over the bytes
        harness.processBothWatermarks(new Watermark(LAST_MS));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(c -> assertThat(c.samples).isEqualTo(2));
        assertThat(function.counted("samplesOverBound")).isEqualTo(2);
        assertThat(function.counted("samplesUsed")).isEqualTo(2);
    }

    @Test
    void userHostRulesNameTheApplication() throws Exception {
        java.nio.file.Path rules = java.nio.file.Files.createTempFile("host-rules", ".txt");
        try {
            java.nio.file.Files.writeString(rules, "example.org Example Web\n");
            open(DpiSettings.live(RuleSet.of(rules, null, null, true)));
            record(9);
            sample(9, 0, Direction.FORWARD, REQUEST);
            harness.processBothWatermarks(new Watermark(LAST_MS));

            ClassifiedFlow c = harness.extractOutputValues().get(0);
            assertThat(c.app).isEqualTo("Example");
            assertThat(c.master).isEqualTo("HTTP");
            assertThat(c.confidence).isEqualTo("HOST_RULE");
        } finally {
            java.nio.file.Files.deleteIfExists(rules);
        }
    }

    @Test
    void aRecordThatSaysHowManySamplesItHasIsClassifiedAsSoonAsTheyAreAllHere() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        record(10, 2);
        sample(10, 0, Direction.FORWARD, REQUEST);
        assertThat(harness.extractOutputValues()).isEmpty(); // one of two

        sample(10, 1, Direction.REVERSE, "HTTP/1.1 200 OK\r\n\r\n");

        assertThat(harness.extractOutputValues()).singleElement().satisfies(c -> {
            assertThat(c.serverName).isEqualTo("www.example.org");
            assertThat(c.samples).isEqualTo(2);
        });
        sample(10, 2, Direction.FORWARD, "more"); // the agent said two: a third is late
        assertThat(function.counted("lateSamples")).isEqualTo(1);
        harness.processBothWatermarks(new Watermark(LAST_MS + DpiSettings.live(RuleSet.bundled()).lateSampleWindow().toMillis()));
        assertThat(harness.extractOutputValues()).hasSize(1); // no second verdict at the watermark
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void samplesBeforeACountedRecordAreClassifiedWhenTheRecordComes() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        sample(11, 0, Direction.FORWARD, REQUEST);
        record(11, 1);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(c -> assertThat(c.app).isEqualTo("HTTP"));
        assertThat(function.counted("orphanSamples")).isZero();
    }

    @Test
    void aRecordWithoutSamplesIsClassifiedAtOnceAndLeavesNoState() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        record(12, 0);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(c -> assertThat(c.confidence).isEqualTo("PORT_GUESS"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void theAgentsSignatureIdsNameAFlowNoDissectorRecognises() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        record(13);
        sample(13, 0, Direction.REVERSE, "RFB 003.008\n", 1_000, List.of(34)); // bundled id 34: VNC's banner
        record(14);
        sample(14, 0, Direction.REVERSE, "RFB 003.008\n", 1_000, List.of()); // the same bytes, no matcher at the agent
        harness.processBothWatermarks(new Watermark(LAST_MS));

        List<ClassifiedFlow> out = harness.extractOutputValues();
        assertThat(out).extracting(c -> c.flow.getFlowSeq() + " " + c.app + " " + c.confidence)
                .containsExactlyInAnyOrder("13 VNC SIGNATURE", "14 HTTP PORT_GUESS");
    }

    @Test
    void withItsOwnSignatureFileTheJobScansTheSamplesItself() throws Exception {
        java.nio.file.Path sigs = java.nio.file.Files.createTempFile("signatures", ".txt");
        try {
            java.nio.file.Files.writeString(sigs, "500  VNC  tcp  offset=0  XYZZY\n");
            open(DpiSettings.live(RuleSet.of(null, null, sigs, true)));
            record(15);
            sample(15, 0, Direction.REVERSE, "XYZZY hello", 1_000, List.of(34)); // the agent's ids mean another set
            harness.processBothWatermarks(new Watermark(LAST_MS));

            assertThat(harness.extractOutputValues()).singleElement().satisfies(c -> {
                assertThat(c.app).isEqualTo("VNC");
                assertThat(c.confidence).isEqualTo("SIGNATURE");
            });
        } finally {
            java.nio.file.Files.deleteIfExists(sigs);
        }
    }

    @Test
    void aDnsFlowCarriesItsQueryTypeAndTheResponseCodeOfItsResponse() throws Exception {
        open(DpiSettings.live(RuleSet.bundled()));
        FlowRecord r = Flows.flow("l", 13, LAST_MS, 1, 2, 53, 4, 400); // DNS over TCP: each message after a 2-byte length
        r.setPayloadSamples(2);
        byte[] question = {1, 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
        byte[] query = dnsOverTcp(0x4242, 0x0100, 0, question);
        byte[] nxdomain = dnsOverTcp(0x4242, 0x8183, 0, question);
        harness.processElement1(new StreamRecord<>(r, LAST_MS));
        long tsUs = (LAST_MS - 500) * 1000;
        for (int i = 0; i < 2; i++) {
            PayloadSample s = Flows.sample(r, i, i == 0 ? Direction.FORWARD : Direction.REVERSE, "", tsUs + i);
            s.setPayload(java.nio.ByteBuffer.wrap(i == 0 ? query : nxdomain));
            s.setPayloadLength(i == 0 ? query.length : nxdomain.length);
            harness.processElement2(new StreamRecord<>(s, (tsUs + i) / 1000));
        }

        assertThat(harness.extractOutputValues()).singleElement().satisfies(c -> {
            assertThat(c.app).isEqualTo("DNS");
            assertThat(c.serverName).isEqualTo("x.example.com");
            assertThat(c.dnsQueryType).isEqualTo(1);
            assertThat(c.dnsRcode).isEqualTo(3);
            assertThat(c.dnsAnswers).isZero();
        });
        assertThat(ClassifiedFlow.unclassified(r).dnsRcode).as("no DPI: no response code").isEqualTo(-1);
    }

    private static byte[] dnsOverTcp(int id, int flags, int answers, byte[] question) {
        int len = 12 + question.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 + len);
        b.putShort((short) len).putShort((short) id).putShort((short) flags).putShort((short) 1)
                .putShort((short) answers).putShort((short) 0).putShort((short) 0).put(question);
        return b.array();
    }

    private void open(DpiSettings settings) throws Exception {
        function = new FlowClassifier(settings);
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(function),
                FlowIdentity.OF_FLOW, FlowIdentity.OF_SAMPLE, BinaryKey.TYPE);
        harness.open();
    }

    private void record(long seq) throws Exception {
        record(seq, -1);
    }

    /** @param samples the record's payload_samples: -1 for an agent that does not say */
    private void record(long seq, int samples) throws Exception {
        FlowRecord r = Flows.flow("l", seq, LAST_MS, 1, 2, 80, 4, 400);
        r.setPayloadSamples(samples);
        harness.processElement1(new StreamRecord<>(r, LAST_MS));
    }

    private void sample(long seq, int index, Direction dir, String payload) throws Exception {
        sample(seq, index, dir, payload, 1_000 + index);
    }

    private void sample(long seq, int index, Direction dir, String payload, long offsetUs) throws Exception {
        sample(seq, index, dir, payload, offsetUs, List.of());
    }

    private void sample(long seq, int index, Direction dir, String payload, long offsetUs, List<Integer> signatureIds)
            throws Exception {
        long tsUs = (LAST_MS - 500) * 1000 + offsetUs;
        PayloadSample s = Flows.sample(Flows.flow("l", seq, LAST_MS, 1, 2, 80, 4, 400), index, dir, payload, tsUs);
        s.setSignatureIds(signatureIds);
        harness.processElement2(new StreamRecord<>(s, tsUs / 1000));
    }
}
