package io.tapflow.classifier.dissect;

/**
 * What dissectors learnt about one flow: the protocol, maybe an application (from the payload itself, e.g. a STUN
 * attribute only Teams sends), the host name, fingerprints, and small per-protocol counters that need more than one
 * packet. Cleared and reused per flow.
 */
public final class Findings {
    public Findings(int dissectors) {
        this.state = new long[2 * dissectors];
    }

    /** The protocol a dissector recognised (nDPI name), or null. */
    public String protocol;
    /** An application the payload itself proves (e.g. "Skype_TeamsCall"), or null; host rules may set it later. */
    public String app;
    /** Host name: SNI, HTTP Host, DNS query, DHCP host name, SSH banner... */
    public String serverName;
    public String ja3;
    public String ja4;
    public String userAgent;
    public String alpn;
    /** Per-dissector scratch for multi-packet tests (e.g. RTP sequence/SSRC): two longs each, at {@link Packet#state}. */
    public final long[] state;
    /** QUIC CRYPTO stream reassembly. */
    public byte[] crypto;
    public int cryptoLen;
    public java.util.BitSet cryptoFilled;
    /** DNS: the first question's type, 0 until a question is seen. */
    public int dnsQueryType;
    /** DNS: the response code of the answer to the first query, -1 until that response is seen. */
    public int dnsRcode = -1;
    /** DNS: that response's answer count. */
    public int dnsAnswers;
    /** DNS: the first query's transaction id, which its response repeats. */
    public int dnsQueryId;
    /**
     * Set by a dissector that matched but wants to see the reply too (DNS: the response code): the classifier keeps
     * showing it the flow's packets, and only it, until it clears this or the packet limit passes.
     */
    public boolean awaitingResponse;

    public void clear() {
        protocol = app = serverName = ja3 = ja4 = userAgent = alpn = null;
        dnsQueryType = dnsAnswers = dnsQueryId = 0;
        dnsRcode = -1;
        awaitingResponse = false;
        java.util.Arrays.fill(state, 0);
        crypto = null;
        cryptoFilled = null;
        cryptoLen = 0;
    }

    /** Records a match and returns {@link Dissector#MATCH}. */
    public int match(String proto) {
        this.protocol = proto;
        return Dissector.MATCH;
    }

    public int match(String proto, String server) {
        this.protocol = proto;
        if (server != null && !server.isEmpty()) {
            this.serverName = server;
        }
        return Dissector.MATCH;
    }
}
