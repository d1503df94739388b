package io.tapflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.jobs.AggregationSettings;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.detect.HeavyHitterSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** aggregate's detection options: on by default with DetectSettings' defaults, thresholds and topic as given. */
class AggregateDetectOptionsTest {
    private static final ClickHouseSettings CH = ClickHouseSettings.of("http://127.0.0.1:8123");

    private static AggregationSettings parse(String... args) {
        AggregateCommand command = new AggregateCommand();
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("--clickhouse", "http://127.0.0.1:8123"),
                java.util.Arrays.stream(args)).toArray(String[]::new);
        new CommandLine(command).parseArgs(all);
        return command.settings(CH);
    }

    @Test
    void detectionIsOnWithTheDefaultThresholdsUnlessTurnedOff() {
        AggregationSettings s = parse("--no-dpi");
        assertThat(s.detect()).isEqualTo(DetectSettings.defaults());
        assertThat(s.alertsTopic()).isEqualTo("alerts.v1");
        assertThat(parse("--no-dpi", "--no-detect").detect()).isNull();
    }

    @Test
    void thresholdsAndTopicComeFromTheOptions() {
        AggregationSettings s = parse("--no-dpi", "--alerts-topic", "lab.alerts", "--scan-ports", "20",
                "--scan-hosts", "50", "--scan-window", "10m", "--flood-rate", "1000", "--flood-min-attempts", "500",
                "--flood-window", "30s");
        assertThat(s.alertsTopic()).isEqualTo("lab.alerts");
        DetectSettings d = s.detect();
        assertThat(d.scanPorts()).isEqualTo(20);
        assertThat(d.scanHosts()).isEqualTo(50);
        assertThat(d.scanWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.floodRatePerSecond()).isEqualTo(1000.0);
        assertThat(d.floodMinAttempts()).isEqualTo(500);
        assertThat(d.floodWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.floodStep()).isEqualTo(DetectSettings.defaults().floodStep());
    }

    @Test
    void heavyHittersComeFromTheirOptionsAndZeroTurnsThemOff() {
        DetectSettings d = parse("--no-dpi", "--heavy-hitters", "25", "--heavy-hitter-counters", "4096",
                "--heavy-hitter-window", "5m").detect();
        assertThat(d.heavyHitters()).isEqualTo(new HeavyHitterSettings(Duration.ofMinutes(5), 4096, 25));
        assertThat(parse("--no-dpi").detect().heavyHitters()).isEqualTo(HeavyHitterSettings.defaults());
        assertThat(parse("--no-dpi", "--heavy-hitters", "0").detect().heavyHitters().enabled()).isFalse();
        assertThatThrownBy(() -> parse("--no-dpi", "--heavy-hitter-window", "1500ms")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("heavy-hitter window must be whole seconds");
        assertThatThrownBy(() -> parse("--no-dpi", "--heavy-hitters", "20", "--heavy-hitter-counters", "10"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("got 10 counters, top 20");
    }

    @Test
    void aBadThresholdIsAUsageError() {
        assertThatThrownBy(() -> parse("--no-dpi", "--flood-window", "65s")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("multiple of its step");
        assertThatThrownBy(() -> parse("--no-dpi", "--scan-ports", "1")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("scan ports and hosts at least 2");
    }
}
