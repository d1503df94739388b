package io.tapflow.classifier.verdict;

/**
 * What a DNS flow's first exchange said, beyond the query name (which is the verdict's server name): the query type
 * and, once the response to that query was seen, its response code and answer count. For the DNS anomaly detector
 * (NXDOMAIN ratio); {@link #NONE} for flows that are not DNS.
 *
 * @param queryType the first question's QTYPE (1 A, 28 AAAA, 16 TXT...), 0 when no question was seen
 * @param rcode     the response's RCODE (0 NOERROR, 3 NXDOMAIN...), {@link #NO_RESPONSE} when no response was seen
 * @param answers   the response's ANCOUNT, 0 without a response
 */
public record DnsSummary(int queryType, int rcode, int answers) {
    public static final int NO_RESPONSE = -1;
    public static final int NXDOMAIN = 3;
    public static final DnsSummary NONE = new DnsSummary(0, NO_RESPONSE, 0);

    public boolean answered() {
        return rcode != NO_RESPONSE;
    }
}
