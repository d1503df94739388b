package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u16;
import static io.tapflow.classifier.util.Bytes.u24;
import static io.tapflow.classifier.util.Bytes.u8;

/**
 * TLS over TCP: the record layer (type 22 handshake, version 3.x, length) carrying a ClientHello (SNI, ALPN, JA3,
 * JA4) from the client, or a ServerHello from the server when the ClientHello was not seen. The ClientHello may span
 * several records and segments: the classifier hands over the stream, and records are joined here.
 */
public final class TlsDissector implements Dissector {
    private static final int MAX_HELLO = 16384;
    private final ClientHelloParser hello = new ClientHelloParser();
    private final byte[] joined = new byte[MAX_HELLO];

    @Override
    public String name() {
        return "TLS";
    }

    @Override
    public boolean handles(int l4proto) {
        return l4proto == 6;
    }

    @Override
    public int inspect(Packet p, Findings f) {
        byte[] b = p.buf;
        int end = p.end();
        int off = p.off;
        if (p.len < 5) {
            return p.len > 0 && u8(b, off) != 22 ? NO_MATCH : NEED_MORE;
        }
        if (u8(b, off + 1) != 3 || u8(b, off + 2) > 4) {
            return NO_MATCH;
        }
        if (u8(b, off) != 22) {
            return midStream(p, f);
        }
        // Join the handshake fragments of consecutive records.
        int n = 0;
        int r = off;
        while (r + 5 <= end && n < MAX_HELLO) {
            if (u8(b, r) != 22 || u8(b, r + 1) != 3) {
                break;
            }
            int len = u16(b, r + 3);
            if (len == 0 || len > 18432) {
                return NO_MATCH;
            }
            int avail = Math.min(len, end - r - 5);
            int copy = Math.min(avail, MAX_HELLO - n);
            System.arraycopy(b, r + 5, joined, n, copy);
            n += copy;
            if (avail < len) {
                break;
            }
            r += 5 + len;
        }
        if (n < 4) {
            return NEED_MORE;
        }
        int type = u8(joined, 0);
        int bodyLen = u24(joined, 1);
        if (type == 1) { // either direction: the capture may have started after the handshake's first packet
            if (4 + bodyLen > n) {
                return n >= MAX_HELLO || p.len >= p.buf.length ? f.match("TLS") : NEED_MORE;
            }
            if (!hello.parse(joined, 4, 4 + bodyLen, false, f)) {
                return NO_MATCH;
            }
            return f.match("TLS");
        }
        if (type == 2 && bodyLen >= 38) {
            int v = u16(joined, 4);
            return (v >> 8) == 3 ? f.match("TLS") : NO_MATCH;
        }
        return NO_MATCH;
    }

    /**
     * A capture that starts mid-connection shows records of types 20-23 (change cipher spec, alert, handshake,
     * application data). The whole stream so far must be a chain of well-formed records; two packets of such
     * chains, in either direction, or a first segment made exactly of whole records, make it TLS (without SNI or
     * fingerprints).
     */
    private static int midStream(Packet p, Findings f) {
        byte[] b = p.buf;
        int end = p.end();
        int r = p.off;
        while (r + 5 <= end) {
            int type = u8(b, r);
            int len = u16(b, r + 3);
            if (type < 20 || type > 23 || u8(b, r + 1) != 3 || u8(b, r + 2) > 4 || len == 0 || len > 18432) {
                return NO_MATCH;
            }
            r += 5 + len;
        }
        if (r == end && r - p.off >= 5 + 16 && p.segmentLen == p.len) {
            return f.match("TLS"); // one segment holding exactly whole records: the header and lengths all agree
        }
        long[] s = f.state;
        return ++s[p.state] >= 2 ? f.match("TLS") : NEED_MORE;
    }
}
