package io.tapflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.jobs.AggregationSettings;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.detect.DnsSettings;
import io.tapflow.jobs.detect.HeavyHitterSettings;
import io.tapflow.jobs.detect.TrwSettings;
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
    void dnsThresholdsComeFromTheirOwnOptions() {
        DetectSettings d = parse("--no-dpi", "--dns-window", "2m", "--dns-max-queries", "1200", "--dns-nxdomain-min",
                "30", "--dns-nxdomain-ratio", "0.7", "--dns-tunnel-names", "20").detect();
        assertThat(d.dns().window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.dns().maxQueries()).isEqualTo(1200);
        assertThat(d.dns().nxdomainMin()).isEqualTo(30);
        assertThat(d.dns().nxdomainRatio()).isEqualTo(0.7);
        assertThat(d.dns().tunnelMinNames()).isEqualTo(20);
        assertThat(d.dns().tunnelMinLength()).isEqualTo(DnsSettings.defaults().tunnelMinLength());
        assertThat(d.scanPorts()).isEqualTo(DetectSettings.defaults().scanPorts());
        assertThatThrownBy(() -> parse("--no-dpi", "--dns-nxdomain-ratio", "1.5")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("ratio in (0, 1]").hasMessageContaining("ratio 1.5");
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

    @Test
    void p2pFanOutAndTrwThresholdsComeFromTheOptions() {
        DetectSettings d = parse("--no-dpi", "--p2p-window", "2m", "--p2p-tcp-udp-peers", "5", "--p2p-min-peers", "20",
                "--p2p-ratio", "0.7", "--p2p-tracked", "128", "--fan-out-window", "1m", "--fan-out-peers", "50",
                "--fan-out-connections", "500", "--trw-theta0", "0.9", "--trw-theta1", "0.1", "--trw-detection", "0.999",
                "--trw-false-alarm", "0.001", "--trw-window", "10m", "--trw-churn-ratio", "0.9", "--trw-tracked", "4096")
                .detect();
        assertThat(d.p2pWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.p2pMinTcpUdpPeers()).isEqualTo(5);
        assertThat(d.p2pMinPeers()).isEqualTo(20);
        assertThat(d.p2pAddrPortRatio()).isEqualTo(0.7);
        assertThat(d.p2pMaxTracked()).isEqualTo(128);
        assertThat(d.fanOutWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.fanOutPeers()).isEqualTo(50);
        assertThat(d.fanOutConnections()).isEqualTo(500);
        assertThat(d.trw()).isEqualTo(new TrwSettings(0.9, 0.1, 0.999, 0.001, Duration.ofMinutes(10), 0.9, 4096));
        assertThat(d.scanPorts()).as("the others keep their defaults").isEqualTo(15);
    }

    @Test
    void badP2pFanOutAndTrwValuesAreUsageErrorsNamingTheValue() {
        assertThatThrownBy(() -> parse("--no-dpi", "--p2p-ratio", "1.5")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("ratio 1.5");
        assertThatThrownBy(() -> parse("--no-dpi", "--fan-out-peers", "1")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("fan-out peers 1");
        assertThatThrownBy(() -> parse("--no-dpi", "--p2p-window", "0s")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("P2P window PT0S");
        assertThatThrownBy(() -> parse("--no-dpi", "--trw-theta1", "0.9")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("theta0 0.8, theta1 0.9");
        assertThatThrownBy(() -> parse("--no-dpi", "--trw-false-alarm", "1")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("P_D 0.99, P_F 1.0");
        assertThatThrownBy(() -> parse("--no-dpi", "--trw-tracked", "0")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("tracked destinations must be 1-1048576, got 0");
        assertThatThrownBy(() -> parse("--no-dpi", "--trw-churn-ratio", "0")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("peer-churn ratio must be in (0, 1], got 0.0");
    }

    @Test
    void theHelpGivesEveryNewThresholdWithItsDefault() {
        String help = new CommandLine(new AggregateCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");
        assertThat(help).contains("--p2p-window=DURATION P2P: window").contains("(default: 5m)")
                .contains("--p2p-ratio=RATIO").contains("(default: 0.8)")
                .contains("--fan-out-connections=N Fan-out: connections opened in one window (default: 1000)")
                .contains("--trw-theta0=P TRW scan: probability that a benign source's first contact succeeds (default: 0.8)")
                .contains("--trw-detection=P").contains("(default: 0.99)")
                .contains("--trw-tracked=N").contains("(default: 1024)");
    }
}
