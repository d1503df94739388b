package io.tapflow.jobs.detect;

import java.io.Serializable;
import java.time.Duration;

/**
 * Thresholds of the DNS anomaly detector ({@link DnsAnomalyDetector}), per client and window. No standard policy
 * gives these numbers, so each default says what it separates:
 *
 * @param window            the tumbling window of a client's queries, also the quiet period that closes an episode:
 *                          1 minute, short enough to flag a tunnel or a DGA burst within a minute of its start
 * @param maxQueries        queries to port 53 in one window that make a {@code query_rate} anomaly: 600 (10/s for a
 *                          whole minute). A workstation or phone resolves tens to a few hundred names a minute in
 *                          bursts; sustained 10/s is a forwarder, a resolving scanner, a flood or a tunnel. Flow
 *                          records alone: a UDP flow counts its packets to the server, a TCP flow one query.
 * @param nxdomainMin       NXDOMAIN responses in one window before the ratio is judged: 20. A mistyped name or a
 *                          search-domain suffix gives a few; a DGA bot tries dozens of generated names a minute.
 * @param nxdomainRatio     share of a client's answered queries that are NXDOMAIN: 0.5. Hosts in normal use see
 *                          well under 10%; a bot whose generated names are mostly unregistered sees over 90%.
 * @param tunnelMinNames    distinct suspicious query names under one registered domain in one window that make a
 *                          {@code tunnel}: 10. A tunnel (iodine, dnscat2) needs a new name per message; a benign
 *                          long name (a CDN host, a DKIM selector) is asked again and again, not ten variants a minute.
 * @param tunnelMinLength   a name is suspicious when the part left of its registered domain has at least this many
 *                          characters (dots excluded): 30. Tunnels fill labels to carry data (iodine up to 63 per
 *                          label, dnscat2 hex); the longest benign subdomains (CDN, cloud hosts) are mostly shorter.
 * @param tunnelMinEntropy  ...and the Shannon entropy of those characters is at least this (bits per character):
 *                          3.5. Random base32 of 40 characters gives 4.0 to 4.6, hex 3.6 to 3.8 (names are
 *                          lower-cased). English words of that length also reach 3.8 to 3.9, so entropy alone does
 *                          not tell words from data: it drops repetitive names (padding, counters), and the
 *                          distinct-name count per domain does the rest.
 * @param maxTrackedDomains registered domains with suspicious names a client's window keeps apart; names under more
 *                          are counted ({@code untrackedDomains}) and left out. Keeps the state bounded: at most this
 *                          many distinct counters of ≤ 256 bytes.
 */
public record DnsSettings(Duration window, int maxQueries, int nxdomainMin, double nxdomainRatio, int tunnelMinNames,
                          int tunnelMinLength, double tunnelMinEntropy, int maxTrackedDomains) implements Serializable {

    public static DnsSettings defaults() {
        return new DnsSettings(Duration.ofMinutes(1), 600, 20, 0.5, 10, 30, 3.5, 16);
    }

    public DnsSettings {
        if (window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("the DNS window must be at least 1 ms, got " + window);
        }
        if (maxQueries < 2 || nxdomainMin < 1 || !(nxdomainRatio > 0 && nxdomainRatio <= 1) || tunnelMinNames < 2
                || tunnelMinLength < 1 || !(tunnelMinEntropy >= 0) || maxTrackedDomains < 1) {
            throw new IllegalArgumentException("DNS thresholds out of range (queries >= 2, NXDOMAIN min >= 1, ratio in"
                    + " (0, 1], tunnel names >= 2, length >= 1, entropy >= 0, tracked domains >= 1), got queries "
                    + maxQueries + ", NXDOMAIN min " + nxdomainMin + ", ratio " + nxdomainRatio + ", tunnel names "
                    + tunnelMinNames + ", length " + tunnelMinLength + ", entropy " + tunnelMinEntropy
                    + ", tracked domains " + maxTrackedDomains);
        }
    }
}
