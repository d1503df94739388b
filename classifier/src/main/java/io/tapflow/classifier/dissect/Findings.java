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

    public void clear() {
        protocol = app = serverName = ja3 = ja4 = userAgent = alpn = null;
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
