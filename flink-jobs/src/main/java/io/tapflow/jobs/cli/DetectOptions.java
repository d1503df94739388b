package io.tapflow.jobs.cli;

import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.detect.DnsSettings;
import io.tapflow.schema.Topics;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The behavioural detectors' options of {@code aggregate}: the alerts topic and the main thresholds. The defaults
 * are {@link DetectSettings#defaults()}'s (Zeek's policies; {@code AggregateDetectOptionsTest} keeps them equal); the
 * per-scanner tracking bound, the flood window's step and the rate's shortest base keep their defaults.
 */
final class DetectOptions {
    @Option(names = "--detect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the port-scan and SYN-flood detectors on the flow records; alerts go to ClickHouse"
                    + " table alerts and to --alerts-topic (default: on; --no-detect to skip).")
    boolean detect;

    @Option(names = "--alerts-topic", defaultValue = Topics.ALERTS, paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String alertsTopic;

    @Option(names = "--scan-ports", defaultValue = "15", paramLabel = "N",
            description = "Port scan: distinct ports on one host in a --scan-window (vertical scan; default: ${DEFAULT-VALUE}).")
    int scanPorts;

    @Option(names = "--scan-hosts", defaultValue = "25", paramLabel = "N",
            description = "Port scan: distinct hosts on one port in a --scan-window (horizontal sweep; default: ${DEFAULT-VALUE}).")
    int scanHosts;

    @Option(names = "--scan-window", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Port scan: counting window, also the quiet time that closes an episode (default: ${DEFAULT-VALUE}).")
    Duration scanWindow;

    @Option(names = "--flood-rate", defaultValue = "250", paramLabel = "PER_SECOND",
            description = "SYN flood: half-open attempts per second on one victim port (default: ${DEFAULT-VALUE}).")
    double floodRate;

    @Option(names = "--flood-min-attempts", defaultValue = "100", paramLabel = "N",
            description = "SYN flood: fewest half-open attempts in the window before the rate counts (default: ${DEFAULT-VALUE}).")
    int floodMinAttempts;

    @Option(names = "--flood-window", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "SYN flood: sliding window (a multiple of 10s), also the quiet time that closes an episode"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration floodWindow;

    // ---- DNS anomalies (DnsAnomalyDetector; defaults: DnsSettings.defaults()) ----

    @Option(names = "--dns-window", defaultValue = "1m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "DNS anomalies: a client's counting window, also the quiet time that closes an episode"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration dnsWindow;

    @Option(names = "--dns-max-queries", defaultValue = "600", paramLabel = "N",
            description = "DNS anomalies: queries to port 53 from one client in a --dns-window that make a query_rate"
                    + " anomaly; flow records alone, no payload needed (default: ${DEFAULT-VALUE}).")
    int dnsMaxQueries;

    @Option(names = "--dns-nxdomain-min", defaultValue = "20", paramLabel = "N",
            description = "DNS anomalies: NXDOMAIN responses in a window before the ratio is judged; needs DPI"
                    + " (default: ${DEFAULT-VALUE}).")
    int dnsNxdomainMin;

    @Option(names = "--dns-nxdomain-ratio", defaultValue = "0.5", paramLabel = "RATIO",
            description = "DNS anomalies: share of a client's answered queries that are NXDOMAIN (default: ${DEFAULT-VALUE}).")
    double dnsNxdomainRatio;

    @Option(names = "--dns-tunnel-names", defaultValue = "10", paramLabel = "N",
            description = "DNS anomalies: distinct long, high-entropy query names under one registered domain in a"
                    + " window that make a tunnel; needs DPI (default: ${DEFAULT-VALUE}).")
    int dnsTunnelNames;

    /**
     * The detectors' settings, or null with --no-detect.
     *
     * @throws IllegalArgumentException a threshold is out of range
     */
    DetectSettings settings() {
        if (!detect) {
            return null;
        }
        DetectSettings d = DetectSettings.defaults();
        DnsSettings dns = d.dns();
        return new DetectSettings(scanWindow, scanPorts, scanHosts, d.maxTrackedPerScanner(), floodWindow,
                d.floodStep(), floodRate, floodMinAttempts, d.floodMinSpan())
                .withDns(new DnsSettings(dnsWindow, dnsMaxQueries, dnsNxdomainMin, dnsNxdomainRatio, dnsTunnelNames,
                        dns.tunnelMinLength(), dns.tunnelMinEntropy(), dns.maxTrackedDomains()));
    }
}
