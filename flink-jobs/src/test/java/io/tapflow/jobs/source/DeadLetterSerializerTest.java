package io.tapflow.jobs.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {
    @Test
    void aLateFlowIsStampedWhenDeadLetteredSoRetentionCannotDeleteItAtOnceAndKeepsItsEventTimeInAHeader() {
        long eventTime = 1_700_000_080_000L; // far older than any topic's retention
        DeadLetter late = new DeadLetter("late: event time " + eventTime, "flows.v1", -1, -1, eventTime,
                new byte[] {1}, new byte[] {2, 3});

        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dead-letter.v1").serialize(late, null, eventTime);

        assertThat(r.topic()).isEqualTo("dead-letter.v1");
        assertThat(r.timestamp()).as("the producer stamps it now").isNull();
        assertThat(r.key()).containsExactly(1);
        assertThat(r.value()).containsExactly(2, 3);
        assertThat(header(r, "tapflow.source.timestamp")).isEqualTo(Long.toString(eventTime));
        assertThat(header(r, "tapflow.reason")).startsWith("late: ");
        assertThat(header(r, "tapflow.source.topic")).isEqualTo("flows.v1");
        assertThat(header(r, "tapflow.source.offset")).isEqualTo("-1");
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
