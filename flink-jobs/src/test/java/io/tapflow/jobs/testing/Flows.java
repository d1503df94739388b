package io.tapflow.jobs.testing;

import io.tapflow.schema.Address16;
import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowKeys;
import io.tapflow.schema.Direction;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import io.tapflow.schema.TunnelType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Flow records built by hand for job tests, and a way to publish them (and garbage) to Kafka. */
public final class Flows {
    private Flows() {
    }

    public static FlowRecord flow(String link, long seq, long lastMs, int srcHost, int dstHost, int dstPort,
                                  long packets, long bytes) {
        return FlowRecord.newBuilder()
                .setAgentId("agent-" + link).setLinkId(link).setAgentStartMs(1_000).setFlowSeq(seq)
                .setFirstMs(lastMs - 500).setLastMs(lastMs)
                .setIpVersion(4).setSrcAddr(ipv4(10, 0, srcHost >>> 8, srcHost & 0xFF))
                .setDstAddr(ipv4(192, 168, dstHost >>> 8, dstHost & 0xFF))
                .setSrcPort(50_000 + (int) (seq % 10_000)).setDstPort(dstPort).setL4Proto(6)
                .setMplsLabels(List.of()).setTunnelType(TunnelType.NONE)
                .setPacketsFwd(packets - packets / 2).setPacketsRev(packets / 2)
                .setBytesFwd(bytes - bytes / 3).setBytesRev(bytes / 3)
                .setTcpFlagsFwd(0x1B).setTcpFlagsRev(0x1B).setTtlMin(60).setTtlMax(64)
                .setEndReason(EndReason.IDLE_TIMEOUT).setSignatureIds(List.of())
                .build();
    }

    public static Address16 ipv4(int a, int b, int c, int d) {
        byte[] x = new byte[16];
        x[10] = (byte) 0xFF;
        x[11] = (byte) 0xFF;
        x[12] = (byte) a;
        x[13] = (byte) b;
        x[14] = (byte) c;
        x[15] = (byte) d;
        return new Address16(x);
    }

    /** Publishes records (and raw garbage values) in the given order to partition 0 of the topic. */
    public static void publish(String bootstrap, String topic, List<FlowRecord> records, List<byte[]> garbage) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            AvroCodec<FlowRecord> codec = AvroCodec.of(FlowRecord.class);
            for (FlowRecord r : records) {
                producer.send(new ProducerRecord<>(topic, 0, FlowKeys.of(r), codec.encode(r)));
            }
            for (byte[] g : garbage) {
                producer.send(new ProducerRecord<>(topic, 0, null, g));
            }
            producer.flush();
        }
    }

    /** A payload sample of {@code r}'s flow, captured at {@code tsUs}. */
    public static PayloadSample sample(FlowRecord r, int packetIndex, Direction dir, String payload, long tsUs) {
        byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
        return PayloadSample.newBuilder()
                .setAgentId(r.getAgentId()).setLinkId(r.getLinkId()).setAgentStartMs(r.getAgentStartMs())
                .setFlowSeq(r.getFlowSeq()).setIpVersion(4).setSrcAddr(r.getSrcAddr()).setDstAddr(r.getDstAddr())
                .setSrcPort(r.getSrcPort()).setDstPort(r.getDstPort()).setL4Proto(r.getL4Proto()).setDirection(dir)
                .setPacketIndex(packetIndex).setTsUs(tsUs).setPayload(ByteBuffer.wrap(bytes))
                .setPayloadLength(bytes.length).setSignatureIds(List.of()).build();
    }

    /** Publishes samples in the given order to partition 0 of the topic, keyed like the agent keys them. */
    public static void publishSamples(String bootstrap, String topic, List<PayloadSample> samples) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            AvroCodec<PayloadSample> codec = AvroCodec.of(PayloadSample.class);
            for (PayloadSample s : samples) {
                producer.send(new ProducerRecord<>(topic, 0, FlowKeys.of(s), codec.encode(s)));
            }
            producer.flush();
        }
    }

    public static List<FlowRecord> spread(String link, int count, long startMs, long stepMs, int hosts) {
        List<FlowRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(flow(link, i + 1, startMs + i * stepMs, i % hosts, (i * 7) % hosts, i % 3 == 0 ? 443 : 53,
                    1 + i % 17, 64L * (1 + i % 17) + i % 5));
        }
        return out;
    }
}
