package io.tapflow.localstack.bench.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.bench.attack.Label;
import io.tapflow.localstack.bench.detect.DetectionScore.Opened;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Matching crafted alerts to crafted labels: on time, early, late, repeated, on background, missed. */
class DetectionScoreTest {
    private static final Map<String, Long> WINDOWS = Map.of("port_scan", 300_000L, "syn_flood", 60_000L);

    private static Label scan(String subject, long start, long end, String group) {
        return new Label("port_scan", subject, start, end, 0.05, "vertical_scan", group);
    }

    @Test
    void onTimeAlertsAreTruePositivesAndEverythingElseIsCountedAgainstTheDetector() {
        List<Label> labels = List.of(
                scan("10.0.0.1", 1_000, 100_000, "1x"), // detected at 61 s
                scan("10.0.0.2", 1_000, 100_000, "1x"), // detected late, after end + window: missed, and a false alert
                scan("10.0.0.3", 1_000, 100_000, "1x"), // never alerted: missed
                scan("10.0.0.4", 1_000, 100_000, "1x"), // detected at the last allowed moment, then once more
                new Label("syn_flood", "10.0.0.9:80", 5_000, 6_000, 250, "syn_flood", "1x"));
        List<Opened> alerts = List.of(
                new Opened("port_scan", "10.0.0.1", 61_000),
                new Opened("port_scan", "10.0.0.2", 400_001), // end 100 s + 300 s window + 1 ms
                new Opened("port_scan", "10.0.0.4", 400_000),
                new Opened("port_scan", "10.0.0.4", 390_000), // earlier: it sets the delay, the later one is a repeat
                new Opened("port_scan", "10.0.0.1", 500), // before the attack started
                new Opened("port_scan", "192.168.1.7", 50_000), // background
                new Opened("fan_out", "10.0.0.1", 70_000), // a detector the attack is not labelled for
                new Opened("syn_flood", "10.0.0.9:80", 5_396),
                new Opened("syn_flood", "10.0.0.9:443", 5_500)); // the victim's other port: not the labelled subject

        DetectionScore.Score s = DetectionScore.score(labels, alerts, WINDOWS);

        DetectionScore.Row scans = s.rows().get(0);
        assertThat(scans.detector()).isEqualTo("port_scan");
        assertThat(scans.instances()).isEqualTo(4);
        assertThat(scans.detected()).isEqualTo(2);
        assertThat(scans.recall()).isEqualTo(0.5);
        assertThat(scans.alerts()).isEqualTo(3);
        assertThat(scans.repeats()).isEqualTo(1);
        assertThat(scans.falseAlerts()).isEqualTo(2); // 10.0.0.2 late, 10.0.0.1 early
        assertThat(scans.precision()).isEqualTo(3.0 / 5);
        assertThat(scans.delaysMs()).containsExactly(60_000L, 389_000L);
        assertThat(scans.delayPercentile(50)).isEqualTo(60_000L);
        assertThat(scans.delayPercentile(99)).isEqualTo(389_000L);
        assertThat(scans.withinWindow()).isFalse(); // 389 s > the 300 s window

        DetectionScore.Row flood = s.rows().get(1);
        assertThat(flood.detected()).isEqualTo(1);
        assertThat(flood.maxDelayMs()).isEqualTo(396L);
        assertThat(flood.withinWindow()).isTrue();
        assertThat(flood.falseAlerts()).isZero(); // 10.0.0.9:443 is no subject of this row

        assertThat(s.totals()).containsExactly(
                new DetectionScore.DetectorTotal("fan_out", 0, 1, 0),
                new DetectionScore.DetectorTotal("port_scan", 3, 2, 1),
                new DetectionScore.DetectorTotal("syn_flood", 1, 0, 1));
        assertThat(s.totals().get(1).precision()).isEqualTo(0.5);
        assertThat(s.falsePositives()).hasSize(5);
    }

    @Test
    void aRowWithoutAlertsHasNoPrecisionNoDelayAndIsNotWithinItsWindow() {
        DetectionScore.Score s = DetectionScore.score(List.of(scan("10.0.0.1", 0, 10, "0.5x")), List.of(), WINDOWS);
        DetectionScore.Row r = s.rows().get(0);
        assertThat(r.recall()).isZero();
        assertThat(r.precision()).isNaN();
        assertThat(r.delayPercentile(50)).isEqualTo(-1);
        assertThat(r.withinWindow()).isFalse();
        assertThat(s.totals()).containsExactly(new DetectionScore.DetectorTotal("port_scan", 0, 0, 0));
    }
}
