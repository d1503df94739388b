package io.tapflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tapflow.agent.export.AddressFormat;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.FlowSink.SinkCounters;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.export.KafkaSink.KafkaTopics;
import io.tapflow.agent.export.KafkaSink;
import io.tapflow.agent.export.Protocols;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.CycleListener;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterCounters;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.testing.CollectingSink;
import io.tapflow.agent.testing.TeeSink;
import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.Address16;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.AvroDeserializer;
import io.tapflow.schema.Direction;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowKeys;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import io.tapflow.schema.RecordDecodeException;
import io.tapflow.schema.Topics;
import io.tapflow.servers.EmbeddedKafka;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KafkaSink} against a real in-process KRaft broker ({@link EmbeddedKafka}), fed by the meter with real
 * captures: what the agent emits is what a consumer reads, through a broker that is missing at start, goes away and
 * comes back, or stays away past the buffer bound.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaSinkIT {
    private static final KafkaTopics TOPICS = new KafkaTopics(Topics.FLOWS, Topics.PAYLOAD, Topics.AGENT_STATS);
    private static final AgentIdentity AGENT = new AgentIdentity("it-agent", "it-link", 1_700_000_000_000L);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);
    private static final int PARTITIONS = 3;

    private final AvroCodec<FlowRecord> flowCodec = AvroCodec.of(FlowRecord.class);
    private final AvroCodec<PayloadSample> sampleCodec = AvroCodec.of(PayloadSample.class);
    private final AvroCodec<AgentStats> statsCodec = AvroCodec.of(AgentStats.class);

    @Test
    void everyFlowSampleAndStatsRecordArrivesAsTheAgentEmittedIt() {
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            createTopics(kafka);
            CollectingSink expected = new CollectingSink();
            KafkaSink kafkaSink = sink(kafka, 100_000);
            TeeSink tee = new TeeSink(kafkaSink, expected);
            int[] cycles = {0};
            CycleListener statsEveryCycle = new CycleListener() {
                private MeterCounters previous = new MeterCounters();
                private long previousTs = Long.MIN_VALUE;

                @Override
                public void cycleEnded(Meter meter, long captureTimeNs, boolean last) {
                    tee.stats(stats(meter, previous, previousTs, captureTimeNs, kafkaSink.counters()));
                    previous = meter.counters().snapshot();
                    previousTs = captureTimeNs;
                    cycles[0]++;
                }
            };
            replay(tee, statsEveryCycle, TestData.pcap("teams.pcap"));
            tee.close();

            int emitted = expected.flows.size() + expected.samples.size() + expected.stats.size();
            assertThat(expected.flows).hasSizeGreaterThan(50);
            assertThat(expected.samples).hasSizeGreaterThan(200);
            assertThat(expected.stats).hasSize(cycles[0]).hasSizeGreaterThan(1);
            assertThat(kafkaSink.counters()).isEqualTo(new SinkCounters(emitted, 0, 0));

            var flowRecords = kafka.consumeAll(Topics.FLOWS, expected.flows.size(), CONSUME_TIMEOUT);
            var sampleRecords = kafka.consumeAll(Topics.PAYLOAD, expected.samples.size(), CONSUME_TIMEOUT);
            var statsRecords = kafka.consumeAll(Topics.AGENT_STATS, expected.stats.size(), CONSUME_TIMEOUT);

            List<FlowRecord> flows = flowRecords.stream().map(this::flow).toList();
            List<PayloadSample> samples = sampleRecords.stream().map(this::sample).toList();
            assertThat(flows.stream().map(KafkaSinkIT::asCollected).sorted(Comparator.comparingLong(CollectingSink.Flow::seq)).toList())
                    .containsExactlyElementsOf(expected.flows.stream().sorted(Comparator.comparingLong(CollectingSink.Flow::seq)).toList());
            assertThat(samples.stream().map(KafkaSinkIT::asCollected).sorted(SAMPLE_ORDER).toList())
                    .containsExactlyElementsOf(expected.samples.stream().sorted(SAMPLE_ORDER).toList());
            assertThat(flows).allSatisfy(f -> {
                assertThat(f.getAgentId()).isEqualTo(AGENT.agentId());
                assertThat(f.getLinkId()).isEqualTo(AGENT.linkId());
                assertThat(f.getAgentStartMs()).isEqualTo(AGENT.startMs());
            });

            // key = canonical flow key; a flow's record and all its samples share one partition
            Map<Long, Set<Integer>> partitionsBySeq = new HashMap<>();
            Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
            for (int i = 0; i < flowRecords.size(); i++) {
                ConsumerRecord<byte[], byte[]> r = flowRecords.get(i);
                assertThat(r.key()).isEqualTo(FlowKeys.of(flows.get(i)));
                partitionsBySeq.computeIfAbsent(flows.get(i).getFlowSeq(), k -> new HashSet<>()).add(r.partition());
                partitionsByKey.computeIfAbsent(Arrays.toString(r.key()), k -> new HashSet<>()).add(r.partition());
            }
            for (int i = 0; i < sampleRecords.size(); i++) {
                ConsumerRecord<byte[], byte[]> r = sampleRecords.get(i);
                assertThat(r.key()).isEqualTo(FlowKeys.of(samples.get(i)));
                partitionsBySeq.computeIfAbsent(samples.get(i).getFlowSeq(), k -> new HashSet<>()).add(r.partition());
                partitionsByKey.computeIfAbsent(Arrays.toString(r.key()), k -> new HashSet<>()).add(r.partition());
            }
            assertThat(partitionsBySeq.values()).allSatisfy(p -> assertThat(p).hasSize(1));
            assertThat(partitionsByKey.values()).allSatisfy(p -> assertThat(p).hasSize(1));
            assertThat(flowRecords.stream().map(ConsumerRecord::partition).distinct()).hasSize(PARTITIONS);

            // stats: keyed by agent id, in cycle order, equal to what the listener sent
            assertThat(statsRecords).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(AGENT.agentId()));
            assertThat(statsRecords.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
            assertThat(statsRecords.stream().sorted(Comparator.comparingLong(ConsumerRecord::offset))
                    .map(r -> statsCodec.decode(r.value(), r.topic(), r.partition(), r.offset())).toList())
                    .containsExactlyElementsOf(expected.stats);
        }
    }

    @Test
    void recordsOfferedBeforeTheBrokerExistsAreDeliveredOnceItStarts() {
        try (EmbeddedKafka kafka = new EmbeddedKafka()) { // ports picked, nothing listening yet
            List<String> emitted = new ArrayList<>();
            KafkaSink kafkaSink = sink(kafka, 100_000);
            replay(new TeeSink(kafkaSink, new EventLog(emitted)), (m, ts, last) -> { }, TestData.pcap("teams.pcap"));
            assertThat(emitted).hasSizeGreaterThan(400);
            assertThat(kafkaSink.pending()).isEqualTo(emitted.size());
            assertThat(kafkaSink.counters()).isEqualTo(new SinkCounters(0, 0, 0));

            kafka.start(); // topics are auto-created with num.partitions 3
            kafkaSink.close();

            assertThat(kafkaSink.counters()).isEqualTo(new SinkCounters(emitted.size(), 0, 0));
            assertThat(consumedEvents(kafka, emitted)).containsExactlyInAnyOrderElementsOf(emitted);
        }
    }

    @Test
    void brokerGoingAwayMidRunAndComingBackLosesNothing() {
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            createTopics(kafka);
            List<String> emitted = new ArrayList<>();
            KafkaSink kafkaSink = sink(kafka, 100_000);
            TeeSink tee = new TeeSink(kafkaSink, new EventLog(emitted));
            Meter meter = new Meter(MeterSettings.defaults(), tee, (m, ts, last) -> { });

            feed(meter, TestData.pcap("teams.pcap"));
            int before = emitted.size();
            assertThat(before).isGreaterThan(400);
            awaitAcknowledged(kafkaSink, Duration.ofSeconds(20));
            assertThat(kafkaSink.counters().sent()).isEqualTo(before);

            kafka.stop();
            feed(meter, TestData.pcap("1kxun.pcap"));
            meter.finish(EndReason.END_OF_INPUT);
            int during = emitted.size() - before;
            assertThat(during).isGreaterThan(500);
            assertThat(kafkaSink.counters()).isEqualTo(new SinkCounters(before, 0, 0));
            assertThat(kafkaSink.pending()).isEqualTo(during);

            kafka.start();
            tee.close();

            assertThat(kafkaSink.counters()).isEqualTo(new SinkCounters(emitted.size(), 0, 0));
            List<ConsumerRecord<byte[], byte[]>> flows = kafka.consumeAll(Topics.FLOWS, count(emitted, "flow"), CONSUME_TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> samples = kafka.consumeAll(Topics.PAYLOAD, count(emitted, "sample"), CONSUME_TIMEOUT);
            List<String> consumed = new ArrayList<>();
            flows.forEach(r -> consumed.add(event(flow(r))));
            samples.forEach(r -> consumed.add(event(sample(r))));
            assertThat(consumed).containsExactlyInAnyOrderElementsOf(emitted); // nothing lost, nothing duplicated
            // the idempotent producer keeps each partition in offer order across the outage
            Map<String, Integer> offerOrder = new HashMap<>();
            for (int i = 0; i < emitted.size(); i++) {
                offerOrder.put(emitted.get(i), i);
            }
            Map<String, List<Integer>> orderByPartition = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : flows) {
                orderByPartition.computeIfAbsent(r.topic() + "-" + r.partition(), k -> new ArrayList<>()).add(offerOrder.get(event(flow(r))));
            }
            for (ConsumerRecord<byte[], byte[]> r : samples) {
                orderByPartition.computeIfAbsent(r.topic() + "-" + r.partition(), k -> new ArrayList<>()).add(offerOrder.get(event(sample(r))));
            }
            assertThat(orderByPartition).hasSize(2 * PARTITIONS);
            assertThat(orderByPartition.values()).allSatisfy(order -> assertThat(order).isSorted());
        }
    }

    /**
     * With no broker nothing is acknowledged and nothing fails before the delivery timeout, so the bound is met
     * exactly: the first B records offered are accepted (and later delivered), every later one is dropped.
     */
    @Test
    void beyondTheBufferBoundRecordsAreDroppedAndCountedExactly() {
        int bound = 50;
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            createTopics(kafka);
            kafka.stop();
            List<String> emitted = new ArrayList<>();
            KafkaSink kafkaSink = sink(kafka, bound);
            replay(new TeeSink(kafkaSink, new EventLog(emitted)), (m, ts, last) -> { }, TestData.pcap("teams.pcap"));
            int offered = emitted.size();
            assertThat(offered).isGreaterThan(10 * bound);
            assertThat(kafkaSink.pending()).isEqualTo(bound);
            assertThat(kafkaSink.counters()).isEqualTo(new SinkCounters(0, 0, offered - bound));

            kafka.start();
            kafkaSink.close();

            assertThat(kafkaSink.counters()).isEqualTo(new SinkCounters(bound, 0, offered - bound));
            List<String> consumed = consumedEvents(kafka, emitted.subList(0, bound));
            assertThat(consumed.size() + kafkaSink.counters().dropped()).isEqualTo(offered);
            assertThat(consumed).containsExactlyInAnyOrderElementsOf(emitted.subList(0, bound));
        }
    }

    @Test
    void aGarbageRecordIsReportedWithTopicPartitionAndOffset() {
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            createTopics(kafka);
            byte[] good = flowCodec.encode(handMadeFlow());
            byte[] truncated = Arrays.copyOf(good, 14); // header + fingerprint, then the body stops
            byte[] garbage = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
            int partition = 1;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (byte[] value : List.of(garbage, truncated, good)) {
                    producer.send(new ProducerRecord<>(Topics.FLOWS, partition, null, value));
                }
                producer.flush();
            }

            List<ConsumerRecord<byte[], byte[]>> records = kafka.consumeAll(Topics.FLOWS, 3, CONSUME_TIMEOUT);
            assertThat(records).hasSize(3).allSatisfy(r -> assertThat(r.partition()).isEqualTo(partition));
            for (ConsumerRecord<byte[], byte[]> r : records.subList(0, 2)) {
                RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class,
                        () -> flowCodec.decode(r.value(), r.topic(), r.partition(), r.offset()));
                assertThat(e).isNotNull();
                assertThat(e.topic()).isEqualTo(Topics.FLOWS);
                assertThat(e.partition()).isEqualTo(partition);
                assertThat(e.offset()).isEqualTo(r.offset());
                assertThat(e).hasMessageContaining("topic " + Topics.FLOWS + ", partition " + partition + ", offset " + r.offset());
            }
            assertThat(flowCodec.decode(records.get(2).value(), Topics.FLOWS, partition, 2)).isEqualTo(handMadeFlow());

            // the Kafka deserializer: the consumer reports partition and offset, and can skip the record and go on
            assertThatThrownBy(() -> new AvroDeserializer.FlowRecords().deserialize(Topics.FLOWS, garbage))
                    .isInstanceOf(RecordDecodeException.class).hasMessageContaining("topic " + Topics.FLOWS);
            TopicPartition tp = new TopicPartition(Topics.FLOWS, partition);
            try (KafkaConsumer<byte[], FlowRecord> consumer = new KafkaConsumer<>(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()), new ByteArrayDeserializer(), new AvroDeserializer.FlowRecords())) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                for (long offset = 0; offset < 2; offset++) {
                    RecordDeserializationException e = pollUntilFailure(consumer);
                    assertThat(e.topicPartition()).isEqualTo(tp);
                    assertThat(e.offset()).isEqualTo(offset);
                    assertThat(e.getCause()).isInstanceOf(RecordDecodeException.class).hasMessageContaining("topic " + Topics.FLOWS);
                    consumer.seek(tp, offset + 1);
                }
                List<FlowRecord> rest = new ArrayList<>();
                long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
                while (rest.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> rest.add(r.value()));
                }
                assertThat(rest).containsExactly(handMadeFlow());
            }
        }
    }

    // ---- helpers

    private static final Comparator<CollectingSink.Sample> SAMPLE_ORDER =
            Comparator.comparingLong(CollectingSink.Sample::seq).thenComparingInt(CollectingSink.Sample::packetIndex);

    /** Records the identity of every flow and sample offered, in offer order. */
    private static final class EventLog implements FlowSink {
        private final List<String> events;

        EventLog(List<String> events) {
            this.events = events;
        }

        @Override
        public void flow(FlowTable t, int slot, EndReason reason) {
            events.add("flow " + t.flowSeq(slot));
        }

        @Override
        public void sample(FlowTable t, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                           long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
            events.add("sample " + t.flowSeq(slot) + "/" + direction + "/" + packetIndex + "/" + capturedBytes + "/" + payloadLength);
        }

        @Override
        public void stats(AgentStats stats) {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public void close() {
        }
    }

    private static String event(FlowRecord f) {
        return "flow " + f.getFlowSeq();
    }

    private static String event(PayloadSample s) {
        return "sample " + s.getFlowSeq() + "/" + direction(s.getDirection()) + "/" + s.getPacketIndex() + "/"
                + s.getPayload().remaining() + "/" + s.getPayloadLength();
    }

    private static int count(List<String> events, String kind) {
        return (int) events.stream().filter(e -> e.startsWith(kind + " ")).count();
    }

    private List<String> consumedEvents(EmbeddedKafka kafka, List<String> expected) {
        List<String> consumed = new ArrayList<>();
        kafka.consumeAll(Topics.FLOWS, count(expected, "flow"), CONSUME_TIMEOUT).forEach(r -> consumed.add(event(flow(r))));
        kafka.consumeAll(Topics.PAYLOAD, count(expected, "sample"), CONSUME_TIMEOUT).forEach(r -> consumed.add(event(sample(r))));
        return consumed;
    }

    private static KafkaSink sink(EmbeddedKafka kafka, int bufferRecords) {
        return new KafkaSink(Map.of(), kafka.bootstrap(), TOPICS, AGENT, bufferRecords, DELIVERY_TIMEOUT, CLOSE_TIMEOUT);
    }

    private static void createTopics(EmbeddedKafka kafka) {
        for (String topic : List.of(TOPICS.flows(), TOPICS.payload(), TOPICS.stats())) {
            kafka.createTopic(topic, PARTITIONS);
        }
    }

    private static void replay(FlowSink sink, CycleListener cycles, Path... files) {
        Meter meter = new Meter(MeterSettings.defaults(), sink, cycles);
        feed(meter, files);
        meter.finish(EndReason.END_OF_INPUT);
    }

    private static void feed(Meter meter, Path... files) {
        CaptureReplay.Result result = new CaptureReplay(meter, 0, () -> false).run(List.of(files));
        assertThat(result.ok()).as("replay errors: %s", result.errors()).isTrue();
    }

    private static void awaitAcknowledged(KafkaSink sink, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sink.pending() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(sink.pending()).as("records still unacknowledged after %s", timeout).isZero();
    }

    private static RecordDeserializationException pollUntilFailure(KafkaConsumer<byte[], FlowRecord> consumer) {
        long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                assertThat(consumer.poll(Duration.ofMillis(200))).as("records before the bad one").isEmpty();
            } catch (RecordDeserializationException e) {
                return e;
            }
        }
        throw new AssertionError("no RecordDeserializationException within " + CONSUME_TIMEOUT);
    }

    private FlowRecord flow(ConsumerRecord<byte[], byte[]> r) {
        return flowCodec.decode(r.value(), r.topic(), r.partition(), r.offset());
    }

    private PayloadSample sample(ConsumerRecord<byte[], byte[]> r) {
        return sampleCodec.decode(r.value(), r.topic(), r.partition(), r.offset());
    }

    private static CollectingSink.Flow asCollected(FlowRecord f) {
        return new CollectingSink.Flow(f.getFlowSeq(), Protocols.name(f.getL4Proto()), address(f.getSrcAddr()), f.getSrcPort(),
                address(f.getDstAddr()), f.getDstPort(), f.getPacketsFwd(), f.getPacketsRev(), f.getBytesFwd(), f.getBytesRev(),
                f.getVlanId(), f.getTunnelType().ordinal(), f.getFragments(), f.getEndReason());
    }

    private static CollectingSink.Sample asCollected(PayloadSample s) {
        return new CollectingSink.Sample(s.getFlowSeq(), direction(s.getDirection()), s.getPacketIndex(),
                s.getPayload().remaining(), s.getPayloadLength());
    }

    private static int direction(Direction d) {
        return d == Direction.FORWARD ? FlowTable.FORWARD : FlowTable.REVERSE;
    }

    private static String address(Address16 a) {
        ByteBuffer b = ByteBuffer.wrap(a.bytes());
        return AddressFormat.toString(b.getLong(0), b.getLong(8));
    }

    private static AgentStats stats(Meter meter, MeterCounters previous, long previousTs, long captureTimeNs, SinkCounters kafka) {
        MeterCounters now = meter.counters();
        FlowTable table = meter.table();
        return AgentStats.newBuilder()
                .setAgentId(AGENT.agentId()).setLinkId(AGENT.linkId()).setAgentStartMs(AGENT.startMs())
                .setTsMs(captureTimeNs / 1_000_000L)
                .setIntervalMs(previousTs == Long.MIN_VALUE ? 0 : (captureTimeNs - previousTs) / 1_000_000L)
                .setPackets(now.packets - previous.packets).setBytes(now.bytes - previous.bytes)
                .setMalformed(Map.of()).setUnsupported(now.notIp - previous.notIp)
                .setFlowsActive(table.size()).setFlowsCreated(table.created()).setFlowsExported(now.flowsExported - previous.flowsExported)
                .setFlowsEvicted(table.evicted()).setSamples(now.samples - previous.samples)
                .setKafkaSent(kafka.sent()).setKafkaFailed(kafka.failed()).setKafkaDropped(kafka.dropped())
                .build();
    }

    private static FlowRecord handMadeFlow() {
        byte[] src = new byte[16];
        byte[] dst = new byte[16];
        src[10] = dst[10] = (byte) 0xFF;
        src[11] = dst[11] = (byte) 0xFF;
        src[12] = 10;
        src[15] = 1;
        dst[12] = 10;
        dst[15] = 2;
        return FlowRecord.newBuilder()
                .setAgentId(AGENT.agentId()).setLinkId(AGENT.linkId()).setFlowSeq(7).setAgentStartMs(AGENT.startMs())
                .setFirstMs(1_000).setLastMs(2_000).setIpVersion(4).setSrcAddr(new Address16(src)).setDstAddr(new Address16(dst))
                .setSrcPort(40_000).setDstPort(443).setL4Proto(6).setPacketsFwd(3).setPacketsRev(2).setBytesFwd(300).setBytesRev(200)
                .setEndReason(EndReason.TCP_FIN)
                .build();
    }
}
