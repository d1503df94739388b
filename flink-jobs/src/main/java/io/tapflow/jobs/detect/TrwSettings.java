package io.tapflow.jobs.detect;

import java.io.Serializable;
import java.time.Duration;

/**
 * Threshold Random Walk ({@link TrwScanDetector}), after Jung, Paxson, Berger and Balakrishnan, "Fast portscan
 * detection using sequential hypothesis testing" (IEEE S&amp;P 2004). Each first-contact connection's outcome moves a
 * source's likelihood ratio Λ: a success multiplies it by θ1/θ0, a failure by (1−θ1)/(1−θ0). Λ ≥ η1 = P_D/P_F
 * declares a scanner; Λ ≤ η0 = (1−P_D)/(1−P_F) declares the source benign and restarts the walk.
 *
 * @param theta0     P(success) of a first contact by a benign source: 0.8 (the paper's)
 * @param theta1     P(success) of a first contact by a scanner: 0.2
 * @param detection  P_D, the wanted detection probability: 0.99
 * @param falseAlarm P_F, the tolerated false-alarm probability: 0.01
 * @param window     the walk's window (starting at the source's first first-contact): outcomes further apart are not
 *                   combined, and an open episode closes after a window without crossing η1 (or a quiet window).
 *                   5 minutes, as the port-scan window.
 * @param peerChurnRatio a crossing whose failures went each to a distinct host on a high port of its own (distinct
 *                   failed hosts and ports "about equal": the smaller at least this share of the larger, every port
 *                   ≥ 1024) is a P2P client's stale peers, not a scan, and raises nothing: 0.8, the P2P detector's
 *                   {IP, port} ratio (Karagiannis et al.). Scanners concentrate on one host (vertical) or one port
 *                   (horizontal). In (0, 1].
 * @param maxTracked destinations a source's window remembers as contacted (open addressing, ≤ 16 bytes each): 1024.
 *                   New destinations beyond it are not judged ({@code untrackedDestinations}): a source with
 *                   that many first contacts in one window has been judged many times over, and judging destinations
 *                   it may already have contacted could count one dead server many times.
 */
public record TrwSettings(double theta0, double theta1, double detection, double falseAlarm, Duration window,
                          double peerChurnRatio, int maxTracked) implements Serializable {

    public static TrwSettings defaults() {
        return new TrwSettings(0.8, 0.2, 0.99, 0.01, Duration.ofMinutes(5), 0.8, 1024);
    }

    public TrwSettings {
        if (!(theta1 > 0 && theta1 < theta0 && theta0 < 1)) {
            throw new IllegalArgumentException("TRW success probabilities must satisfy 0 < theta1 < theta0 < 1, got theta0 "
                    + theta0 + ", theta1 " + theta1);
        }
        if (!(falseAlarm > 0 && falseAlarm < detection && detection < 1)) {
            throw new IllegalArgumentException("TRW probabilities must satisfy 0 < P_F < P_D < 1, got P_D " + detection
                    + ", P_F " + falseAlarm);
        }
        if (window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("the TRW window must be at least 1 ms, got " + window);
        }
        if (!(peerChurnRatio > 0 && peerChurnRatio <= 1)) {
            throw new IllegalArgumentException("the TRW peer-churn ratio must be in (0, 1], got " + peerChurnRatio);
        }
        if (maxTracked < 1 || maxTracked > 1 << 20) {
            throw new IllegalArgumentException("TRW tracked destinations must be 1-1048576, got " + maxTracked);
        }
    }

    /** ln η1: the walk declares a scanner at or above it. */
    double logUpper() {
        return Math.log(detection / falseAlarm);
    }

    /** ln η0: the walk declares the source benign (and restarts) at or below it. */
    double logLower() {
        return Math.log((1 - detection) / (1 - falseAlarm));
    }

    /** ln of a successful first contact's likelihood ratio (negative). */
    double logSuccess() {
        return Math.log(theta1 / theta0);
    }

    /** ln of a failed first contact's likelihood ratio (positive). */
    double logFailure() {
        return Math.log((1 - theta1) / (1 - theta0));
    }

    /** Consecutive failures from a fresh walk that reach η1: 4 with the defaults (4⁴ = 256 ≥ 99). */
    int failuresToDetect() {
        return (int) Math.ceil(logUpper() / logFailure() - 1e-9);
    }

    /** Consecutive successes from a fresh walk that reach η0: 4 with the defaults (0.25⁴ ≈ 0.0039 ≤ 0.0101). */
    int successesToReset() {
        return (int) Math.ceil(logLower() / logSuccess() - 1e-9);
    }
}
