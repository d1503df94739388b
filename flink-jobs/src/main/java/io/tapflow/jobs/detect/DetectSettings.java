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
 */
public record DetectSettings(Duration scanWindow, int scanPorts, int scanHosts, int maxTrackedPerScanner,
                             Duration floodWindow, Duration floodStep, double floodRatePerSecond, int floodMinAttempts,
                             Duration floodMinSpan) implements Serializable {

    public static DetectSettings defaults() {
        return new DetectSettings(Duration.ofMinutes(5), 15, 25, 64, Duration.ofSeconds(60), Duration.ofSeconds(10),
                250, 100, Duration.ofMillis(100));
    }

    public DetectSettings {
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
