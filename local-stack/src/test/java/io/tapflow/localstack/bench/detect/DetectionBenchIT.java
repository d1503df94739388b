package io.tapflow.localstack.bench.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.bench.attack.AttackKind;
import io.tapflow.agent.bench.attack.AttackTrace;
import io.tapflow.agent.testing.TestData;
import io.tapflow.jobs.detect.DetectSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator and the detectors together, small and untimed: three instances of every attack kind at four times
 * its detector's threshold, over real background captures, are all found within one window, and nothing else is.
 */
class DetectionBenchIT {
    static {
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @TempDir
    Path dir;

    @Test
    void everyAttackWellAboveItsThresholdIsFoundInTimeAndTheBackgroundRaisesNothing() throws Exception {
        DetectSettings settings = DetectSettings.defaults();
        AttackTrace.Spec spec = new AttackTrace.Spec(
                AttackMix.groups(settings, new double[] {4}, 3, EnumSet.allOf(AttackKind.class)),
                List.of(TestData.pcap("whatsapp_login_call.pcap"), TestData.pcap("teams.pcap"),
                        TestData.pcap("dns.pcap"), TestData.pcap("http_ipv6.pcap")),
                Duration.ofSeconds(60), true, 3, AttackTrace.Spec.DEFAULT_START, Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(5));

        DetectionBench.Outcome r = DetectionBench.run(spec, settings, dir);

        System.out.println(r.trace().summary());
        r.score().falsePositives().forEach(a -> System.out.println("false positive: " + a));
        assertThat(r.meterErrors()).isEmpty();
        assertThat(r.trace().backgroundPackets()).isPositive();
        assertThat(r.score().rows()).hasSize(8).allSatisfy(row -> {
            assertThat(row.instances()).as(row.kind()).isEqualTo(3);
            assertThat(row.recall()).as(row.kind()).isEqualTo(1.0);
            assertThat(row.precision()).as(row.kind()).isEqualTo(1.0);
            assertThat(row.repeats()).as(row.kind()).isZero();
            assertThat(row.withinWindow()).as(row.kind()).isTrue();
        });
        assertThat(r.score().falsePositives()).isEmpty();
        assertThat(r.score().totals()).extracting(DetectionScore.DetectorTotal::precision).containsOnly(1.0);
        assertThat(Files.readAllLines(dir.resolve("attacks.labels.jsonl"))).hasSize(24); // scans: port_scan and trw_scan
        assertThat(Files.readAllLines(dir.resolve("alerts.jsonl"))).hasSize(48); // OPEN and CLOSED per label
    }
}
