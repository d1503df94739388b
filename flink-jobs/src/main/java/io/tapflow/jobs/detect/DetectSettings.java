package io.tapflow.jobs.detect;

import java.io.Serializable;
import java.time.Duration;

/**
 * Thresholds of the behavioural detectors. The defaults come from Zeek's policies, not from our test captures:
 *
 * @param scanWindow         port scan: the window over which distinct ports and hosts are counted, also the quiet
 *                           period that closes an episode. 5 minutes, as Zeek's scan.zeek ({@code addr_scan_interval},
 *                           {@code port_scan_interval}).
 * @param scanPorts          distinct destination ports on one host that make a vertical scan: 15
 *                           ({@code port_scan_threshold})
 * @param scanHosts          distinct destination hosts on one port that make a horizontal sweep: 25
 *                           ({@code addr_scan_threshold})
 * @param maxTrackedPerScanner hosts (and, separately, ports) whose distinct counts a scanner's window keeps; more are
 *                           counted ({@code untrackedPeers}) and left out of the per-host (per-port) counts. Keeps a
 *                           1M-address sweep to a bounded state (see {@link ScanState#sizeBytes()}).
 * @param floodWindow        SYN flood: the sliding window of half-open attempts, also the quiet period that closes
 *                           an episode. 60 s, Zeek's old synflood policy ({@code SYNFLOOD_INTERVAL}).
 * @param floodStep          the window slides in steps of this size (its buckets)
 * @param floodRatePerSecond half-open attempts per second on one victim port: 250, Zeek's 15,000 per 60 s
 *                           ({@code SYNFLOOD_THRESHOLD}) as a rate, so a flood shorter than the window is judged by its
 *                           rate, not by a count it had no time to reach
 * @param floodMinAttempts   fewest attempts in the window before a rate means anything: 100. A client retrying a dead
 *                           server makes a handful of attempts, which over a few milliseconds is a huge "rate".
 * @param floodMinSpan       the rate's shortest time base, so that attempts sharing one millisecond do not divide by 0
 * @param p2pWindow          P2P ({@link P2pDetector}): the window over which a host's peers are counted, also the
 *                           quiet period that closes an episode. 5 minutes, as the scan window.
 * @param p2pMinTcpUdpPeers  peers with which the host used both TCP and UDP (well-known service ports excluded) that
 *                           make it P2P: 3. Karagiannis et al. flag every such address pair; one pair can also be a
 *                           VoIP or game client's signalling and media to one server, so a host needs several.
 * @param p2pMinPeers        {IP, port} heuristic: fewest distinct peer addresses on one endpoint (or, outbound, on
 *                           the host's connections to peers' high ports) before distinct addresses and ports are
 *                           compared: 10
 * @param p2pAddrPortRatio   {IP, port} heuristic: distinct peer addresses and distinct peer ports are "about equal"
 *                           when the smaller is at least this share of the larger: 0.8 (exact counts up to 32, then
 *                           HyperLogLog estimates within ±6.5% each, plus peers sharing a client's default port)
 * @param p2pMaxTracked      endpoints (and, separately, peers of the TCP/UDP heuristic, × 4) that a host's window
 *                           keeps; more are counted ({@code untrackedPeers}) and left out
 * @param fanOutWindow       fan-out ({@link FanOutDetector}): the window of a source's connections: 5 minutes
 * @param fanOutPeers        distinct destination addresses in one window that make a fan-out: 100
 * @param fanOutConnections  connections opened in one window that make a fan-out: 1000
 * @param trw                Threshold Random Walk scan detection ({@link TrwScanDetector}): {@link TrwSettings#defaults()}
 * @param dns                DNS anomalies ({@link DnsAnomalyDetector}): {@link DnsSettings#defaults()}
 * @param heavyHitters       heavy hitters per link ({@link HeavyHitters}); not a detector, but fed the same flows
 */
public record DetectSettings(Duration scanWindow, int scanPorts, int scanHosts, int maxTrackedPerScanner,
                             Duration floodWindow, Duration floodStep, double floodRatePerSecond, int floodMinAttempts,
                             Duration floodMinSpan, Duration p2pWindow, int p2pMinTcpUdpPeers, int p2pMinPeers,
                             double p2pAddrPortRatio, int p2pMaxTracked, Duration fanOutWindow, int fanOutPeers,
                             int fanOutConnections, TrwSettings trw, DnsSettings dns,
                             HeavyHitterSettings heavyHitters) implements Serializable {

    public static DetectSettings defaults() {
        return new DetectSettings(Duration.ofMinutes(5), 15, 25, 64, Duration.ofSeconds(60), Duration.ofSeconds(10),
                250, 100, Duration.ofMillis(100));
    }

    /** The port scan and SYN flood settings, with the P2P and fan-out defaults (the single source of the latter). */
    public DetectSettings(Duration scanWindow, int scanPorts, int scanHosts, int maxTrackedPerScanner,
                          Duration floodWindow, Duration floodStep, double floodRatePerSecond, int floodMinAttempts,
                          Duration floodMinSpan) {
        this(scanWindow, scanPorts, scanHosts, maxTrackedPerScanner, floodWindow, floodStep, floodRatePerSecond,
                floodMinAttempts, floodMinSpan, Duration.ofMinutes(5), 3, 10, 0.8, 64, Duration.ofMinutes(5), 100, 1000);
    }

    /** All but the TRW, DNS and heavy-hitter settings, with their defaults. */
    public DetectSettings(Duration scanWindow, int scanPorts, int scanHosts, int maxTrackedPerScanner,
                          Duration floodWindow, Duration floodStep, double floodRatePerSecond, int floodMinAttempts,
                          Duration floodMinSpan, Duration p2pWindow, int p2pMinTcpUdpPeers, int p2pMinPeers,
                          double p2pAddrPortRatio, int p2pMaxTracked, Duration fanOutWindow, int fanOutPeers,
                          int fanOutConnections) {
        this(scanWindow, scanPorts, scanHosts, maxTrackedPerScanner, floodWindow, floodStep, floodRatePerSecond,
                floodMinAttempts, floodMinSpan, p2pWindow, p2pMinTcpUdpPeers, p2pMinPeers, p2pAddrPortRatio,
                p2pMaxTracked, fanOutWindow, fanOutPeers, fanOutConnections, TrwSettings.defaults());
    }

    /** All but the DNS and heavy-hitter settings, with their defaults. */
    public DetectSettings(Duration scanWindow, int scanPorts, int scanHosts, int maxTrackedPerScanner,
                          Duration floodWindow, Duration floodStep, double floodRatePerSecond, int floodMinAttempts,
                          Duration floodMinSpan, Duration p2pWindow, int p2pMinTcpUdpPeers, int p2pMinPeers,
                          double p2pAddrPortRatio, int p2pMaxTracked, Duration fanOutWindow, int fanOutPeers,
                          int fanOutConnections, TrwSettings trw) {
        this(scanWindow, scanPorts, scanHosts, maxTrackedPerScanner, floodWindow, floodStep, floodRatePerSecond,
                floodMinAttempts, floodMinSpan, p2pWindow, p2pMinTcpUdpPeers, p2pMinPeers, p2pAddrPortRatio,
                p2pMaxTracked, fanOutWindow, fanOutPeers, fanOutConnections, trw, DnsSettings.defaults(),
                HeavyHitterSettings.defaults());
    }

    /** These settings with other DNS thresholds. */
    public DetectSettings withDns(DnsSettings other) {
        return new DetectSettings(scanWindow, scanPorts, scanHosts, maxTrackedPerScanner, floodWindow, floodStep,
                floodRatePerSecond, floodMinAttempts, floodMinSpan, p2pWindow, p2pMinTcpUdpPeers, p2pMinPeers,
                p2pAddrPortRatio, p2pMaxTracked, fanOutWindow, fanOutPeers, fanOutConnections, trw, other, heavyHitters);
    }

    /** The same thresholds with other heavy-hitter settings. */
    public DetectSettings withHeavyHitters(HeavyHitterSettings hh) {
        return new DetectSettings(scanWindow, scanPorts, scanHosts, maxTrackedPerScanner, floodWindow, floodStep,
                floodRatePerSecond, floodMinAttempts, floodMinSpan, p2pWindow, p2pMinTcpUdpPeers, p2pMinPeers,
                p2pAddrPortRatio, p2pMaxTracked, fanOutWindow, fanOutPeers, fanOutConnections, trw, dns, hh);
    }

    public DetectSettings {
        if (trw == null) {
            throw new IllegalArgumentException("the TRW settings are missing");
        }
        if (dns == null) {
            throw new IllegalArgumentException("DNS settings are required (DnsSettings.defaults() for the defaults)");
        }
        if (heavyHitters == null) {
            throw new IllegalArgumentException("heavy-hitter settings are required (HeavyHitterSettings.defaults())");
        }
        if (p2pWindow.toMillis() < 1 || fanOutWindow.toMillis() < 1) {
            throw new IllegalArgumentException("windows must be at least 1 ms, got P2P window " + p2pWindow
                    + ", fan-out window " + fanOutWindow);
        }
        if (p2pMinTcpUdpPeers < 1 || p2pMinPeers < 2 || p2pMaxTracked < 1 || !(p2pAddrPortRatio > 0 && p2pAddrPortRatio <= 1)
                || fanOutPeers < 2 || fanOutConnections < 2) {
            throw new IllegalArgumentException("P2P and fan-out thresholds out of range (TCP/UDP peers >= 1, peers >= 2,"
                    + " tracked >= 1, ratio in (0, 1], fan-out peers and connections >= 2), got TCP/UDP peers "
                    + p2pMinTcpUdpPeers + ", peers " + p2pMinPeers + ", ratio " + p2pAddrPortRatio + ", tracked "
                    + p2pMaxTracked + ", fan-out peers " + fanOutPeers + ", connections " + fanOutConnections);
        }
        if (scanWindow.toMillis() < 1 || floodWindow.toMillis() < 1 || floodStep.toMillis() < 1 || floodMinSpan.toMillis() < 1) {
            throw new IllegalArgumentException("windows, steps and spans must be at least 1 ms, got scan window "
                    + scanWindow + ", flood window " + floodWindow + ", step " + floodStep + ", min span " + floodMinSpan);
        }
        if (floodWindow.toMillis() % floodStep.toMillis() != 0 || floodWindow.toMillis() / floodStep.toMillis() > 600) {
            throw new IllegalArgumentException("the flood window must be a multiple of its step, at most 600 steps, got "
                    + floodWindow + " / " + floodStep);
        }
        if (scanPorts < 2 || scanHosts < 2 || maxTrackedPerScanner < 1 || floodMinAttempts < 1 || !(floodRatePerSecond > 0)) {
            throw new IllegalArgumentException("thresholds must be positive (scan ports and hosts at least 2), got ports "
                    + scanPorts + ", hosts " + scanHosts + ", tracked " + maxTrackedPerScanner + ", flood rate "
                    + floodRatePerSecond + "/s, min attempts " + floodMinAttempts);
        }
    }

    int floodBuckets() {
        return (int) (floodWindow.toMillis() / floodStep.toMillis());
    }
}
