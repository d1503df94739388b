package io.tapflow.jobs.dpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.verdict.Confidence;
import io.tapflow.classifier.verdict.DnsSummary;
import io.tapflow.classifier.verdict.Verdict;
import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.AvroCodec;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.FlowVerdict;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class FlowVerdictSerializerTest {
    @Test
    void aVerdictIsStampedWhenPublishedNotWithItsFlowsYearsOldEventTime() {
        FlowRecord r = Flows.flow("l", 7, 1_300_000_000_000L, 1, 2, 443, 4, 400); // 2011: a replayed capture
        ClassifiedFlow c = ClassifiedFlow.of(r, new Verdict("TLS", "", "Web", "example.org", "", "", Confidence.DPI), 1);
        FlowVerdictSerializer serializer = new FlowVerdictSerializer("verdicts.v1", "live", "abc");

        ProducerRecord<byte[], byte[]> out = serializer.serialize(c, null, r.getLastMs());

        assertThat(out.timestamp()).as("null: the producer stamps the publish time, which retention measures").isNull();
        assertThat(out.topic()).isEqualTo("verdicts.v1");
        FlowVerdict v = AvroCodec.of(FlowVerdict.class).decode(out.value(), "verdicts.v1", 0, 0);
        assertThat(v.getLastMs()).isEqualTo(1_300_000_000_000L);
        assertThat(v.getApp()).isEqualTo("TLS");
        assertThat(v.getDnsRcode()).as("not DNS").isEqualTo(-1);
        assertThat(v.getDnsQueryType()).isZero();
    }

    @Test
    void aDnsVerdictCarriesTheQueryTypeResponseCodeAndAnswers() {
        FlowRecord r = Flows.flow("l", 8, 1_700_000_000_000L, 1, 2, 53, 2, 200);
        ClassifiedFlow c = ClassifiedFlow.of(r, new Verdict("DNS", "", "Network", "x.example.com", "", "", Confidence.DPI,
                new DnsSummary(28, DnsSummary.NXDOMAIN, 0)), 2);

        ProducerRecord<byte[], byte[]> out = new FlowVerdictSerializer("verdicts.v1", "live", "abc").serialize(c, null, 0L);

        FlowVerdict v = AvroCodec.of(FlowVerdict.class).decode(out.value(), "verdicts.v1", 0, 0);
        assertThat(v.getServerName()).isEqualTo("x.example.com");
        assertThat(v.getDnsQueryType()).isEqualTo(28);
        assertThat(v.getDnsRcode()).isEqualTo(3);
        assertThat(v.getDnsAnswers()).isZero();
    }
}
