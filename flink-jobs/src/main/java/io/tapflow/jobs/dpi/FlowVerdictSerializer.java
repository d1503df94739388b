package io.tapflow.jobs.dpi;

import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.FlowKeys;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.FlowVerdict;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A classified flow → a {@link FlowVerdict} on the verdicts topic, keyed by the flow key as its record is. */
final class FlowVerdictSerializer implements KafkaRecordSerializationSchema<ClassifiedFlow> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final String analysis;
    private final String rulesVersion;
    private transient AvroCodec<FlowVerdict> codec;
    private transient FlowVerdict verdict;

    FlowVerdictSerializer(String topic, String analysis, String rulesVersion) {
        this.topic = topic;
        this.analysis = analysis;
        this.rulesVersion = rulesVersion;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ClassifiedFlow c, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = AvroCodec.of(FlowVerdict.class);
            verdict = new FlowVerdict();
        }
        FlowRecord r = c.flow;
        FlowVerdict v = verdict; // encoded at once, so one instance serves every record
        v.setAgentId(r.getAgentId());
        v.setAgentStartMs(r.getAgentStartMs());
        v.setFlowSeq(r.getFlowSeq());
        v.setLinkId(r.getLinkId());
        v.setFirstMs(r.getFirstMs());
        v.setLastMs(r.getLastMs());
        v.setAnalysis(analysis);
        v.setRulesVersion(rulesVersion);
        v.setApp(c.app);
        v.setMaster(c.master);
        v.setCategory(c.category);
        v.setServerName(c.serverName);
        v.setJa3(c.ja3);
        v.setJa4(c.ja4);
        v.setConfidence(c.confidence);
        v.setSamples(c.samples);
        v.setDnsQueryType(c.dnsQueryType);
        v.setDnsRcode(c.dnsRcode);
        v.setDnsAnswers(c.dnsAnswers);
        // No record timestamp: the producer stamps the publish time. The flow's event time (the {@code timestamp}
        // argument) may be years old for replayed captures, and the broker's time retention would delete such records.
        return new ProducerRecord<>(topic, null, null, FlowKeys.of(r), codec.encode(v));
    }
}
