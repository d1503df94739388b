package io.tapflow.jobs.cli;

import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.detect.DnsSettings;
import io.tapflow.jobs.detect.TrwSettings;
import io.tapflow.schema.Topics;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The behavioural detectors' options of {@code aggregate} and {@code detect} (a picocli mixin; {@code detect} drops
 * {@link #AGGREGATE_ONLY}): the alerts topic and the main thresholds. The defaults are {@link DetectSettings#defaults()}'s
 * (Zeek's policies; {@code AggregateDetectOptionsTest} keeps them equal); the per-scanner tracking bound, the flood
 * window's step and the rate's shortest base keep their defaults.
 */
public final class DetectOptions {
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

    // ---- P2P, fan-out and TRW thresholds (trw branch); defaults are DetectSettings' and TrwSettings' ----

    @Option(names = "--p2p-window", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "P2P: window over which a host's peers are counted, also the quiet time that closes an episode"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration p2pWindow;

    @Option(names = "--p2p-tcp-udp-peers", defaultValue = "3", paramLabel = "N",
            description = "P2P: peers with which a host used both TCP and UDP, service ports excluded (tcp_udp; default:"
                    + " ${DEFAULT-VALUE}).")
    int p2pTcpUdpPeers;

    @Option(names = "--p2p-min-peers", defaultValue = "10", paramLabel = "N",
            description = "P2P: fewest distinct peer addresses on one endpoint, or on the host's connections to peers'"
                    + " high ports, before addresses and ports are compared (endpoint, peer_ports; default: ${DEFAULT-VALUE}).")
    int p2pMinPeers;

    @Option(names = "--p2p-ratio", defaultValue = "0.8", paramLabel = "RATIO",
            description = "P2P: distinct peer addresses and ports are about equal when the smaller is at least this"
                    + " share of the larger, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double p2pRatio;

    @Option(names = "--p2p-tracked", defaultValue = "64", paramLabel = "N",
            description = "P2P: endpoints a host's window keeps (and 4 x N peers for tcp_udp); more are counted as"
                    + " untracked and left out (default: ${DEFAULT-VALUE}).")
    int p2pTracked;

    @Option(names = "--fan-out-window", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Fan-out: window of a source's connections, also the quiet time that closes an episode"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration fanOutWindow;

    @Option(names = "--fan-out-peers", defaultValue = "100", paramLabel = "N",
            description = "Fan-out: distinct destination addresses in one window (default: ${DEFAULT-VALUE}).")
    int fanOutPeers;

    @Option(names = "--fan-out-connections", defaultValue = "1000", paramLabel = "N",
            description = "Fan-out: connections opened in one window (default: ${DEFAULT-VALUE}).")
    int fanOutConnections;

    @Option(names = "--trw-theta0", defaultValue = "0.8", paramLabel = "P",
            description = "TRW scan: probability that a benign source's first contact succeeds (default: ${DEFAULT-VALUE}).")
    double trwTheta0;

    @Option(names = "--trw-theta1", defaultValue = "0.2", paramLabel = "P",
            description = "TRW scan: probability that a scanner's first contact succeeds, below --trw-theta0"
                    + " (default: ${DEFAULT-VALUE}).")
    double trwTheta1;

    @Option(names = "--trw-detection", defaultValue = "0.99", paramLabel = "P",
            description = "TRW scan: wanted detection probability P_D; eta1 = P_D / P_F (default: ${DEFAULT-VALUE}).")
    double trwDetection;

    @Option(names = "--trw-false-alarm", defaultValue = "0.01", paramLabel = "P",
            description = "TRW scan: tolerated false-alarm probability P_F; eta0 = (1 - P_D) / (1 - P_F) (default:"
                    + " ${DEFAULT-VALUE}). With the defaults 4 failed first contacts in a row make a scanner.")
    double trwFalseAlarm;

    @Option(names = "--trw-window", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "TRW scan: window of a source's walk and contacted destinations, also the quiet time that"
                    + " closes an episode (default: ${DEFAULT-VALUE}).")
    Duration trwWindow;

    @Option(names = "--trw-churn-ratio", defaultValue = "0.8", paramLabel = "RATIO",
            description = "TRW scan: failures spread over distinct hosts on about as many distinct high ports (the"
                    + " smaller count at least this share of the larger) are a P2P client's stale peers, not a scan,"
                    + " in (0, 1] (default: ${DEFAULT-VALUE}).")
    double trwChurnRatio;

    @Option(names = "--trw-tracked", defaultValue = "1024", paramLabel = "N",
            description = "TRW scan: destinations a source's window remembers as contacted (16 bytes each); new ones"
                    + " beyond are not judged (default: ${DEFAULT-VALUE}).")
    int trwTracked;

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
        return detect ? thresholds() : null;
    }

    /**
     * The detectors' settings from the threshold options, whatever --detect says ({@code detect} has no --detect).
     *
     * @throws IllegalArgumentException a threshold is out of range
     */
    public DetectSettings thresholds() {
        DetectSettings d = DetectSettings.defaults();
        DnsSettings dns = d.dns();
        return new DetectSettings(scanWindow, scanPorts, scanHosts, d.maxTrackedPerScanner(), floodWindow,
                d.floodStep(), floodRate, floodMinAttempts, d.floodMinSpan(), p2pWindow, p2pTcpUdpPeers, p2pMinPeers,
                p2pRatio, p2pTracked, fanOutWindow, fanOutPeers, fanOutConnections,
                new TrwSettings(trwTheta0, trwTheta1, trwDetection, trwFalseAlarm, trwWindow, trwChurnRatio, trwTracked))
                .withDns(new DnsSettings(dnsWindow, dnsMaxQueries, dnsNxdomainMin, dnsNxdomainRatio, dnsTunnelNames,
                        dns.tunnelMinLength(), dns.tunnelMinEntropy(), dns.maxTrackedDomains()));
    }

    /** The options {@code tapflow detect} leaves out: it writes no topic and always detects. */
    public static final java.util.List<String> AGGREGATE_ONLY = java.util.List.of("--detect", "--alerts-topic");
}
