package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u24;
import static io.tapflow.classifier.util.Bytes.u32;
import static io.tapflow.classifier.util.Bytes.u8;

import io.tapflow.classifier.util.Bytes;

/**
 * QUIC over UDP. A client long-header Initial (v1, draft-29) is decrypted and its CRYPTO frames reassembled, across
 * packets if the ClientHello spans several, to read SNI, ALPN and JA4 ('q'). Google QUIC (Q0xx versions) carries a
 * plaintext CHLO whose SNI tag is read directly. Coalesced packets in one datagram are walked.
 */
public final class QuicDissector implements Dissector {
    private static final int MAX_CRYPTO = 8192;
    private final QuicInitialDecryptor decryptor = new QuicInitialDecryptor();
    private final ClientHelloParser hello = new ClientHelloParser();
    private final byte[] plain = new byte[2048];

    @Override
    public String name() {
        return "QUIC";
    }

    @Override
    public boolean handles(int l4proto) {
        return l4proto == 17;
    }

    @Override
    public int inspect(Packet p, Findings f) {
        byte[] b = p.buf;
        int o = p.off;
        int end = p.end();
        if (p.len < 7) {
            return NO_MATCH;
        }
        int first = u8(b, o);
        if ((first & 0x80) == 0) {
            // Short header or gQUIC public header: only meaningful once a long header was seen.
            return f.protocol != null && "QUIC".equals(f.protocol) ? MATCH : gquic(b, o, end, p, f);
        }
        int version = (int) u32(b, o + 1);
        if (version == 0) {
            return f.protocol != null ? MATCH : NO_MATCH; // version negotiation
        }
        if (((version >>> 24) == 'Q' || (version >>> 24) == 'T') && ((version >>> 16) & 0xFF) == '0') {
            return gquic(b, o, end, p, f); // "Q0xx"/"T0xx" long header
        }
        if (!QuicInitialDecryptor.supported(version) || (first & 0x40) == 0) {
            return NO_MATCH;
        }
        if (p.dir != Packet.TO_SERVER) {
            return f.protocol != null ? MATCH : NEED_MORE;
        }
        int q = o;
        while (q < end && (u8(b, q) & 0x80) != 0) {
            int next = initial(b, q, end, version, f);
            if (next == -2) {
                return f.protocol != null ? MATCH : NO_MATCH;
            }
            if (next < 0) {
                break;
            }
            q = next;
            if (f.serverName != null || f.ja4 != null) {
                return MATCH;
            }
        }
        return f.protocol != null ? NEED_MORE : NO_MATCH;
    }

    /** Handles one long-header packet at q; returns the next packet's offset, -1 to stop, -2 if not QUIC. */
    private int initial(byte[] b, int q, int end, int version, Findings f) {
        int first = u8(b, q);
        int type = (first >> 4) & 3;
        int p = q + 5;
        if (p >= end) {
            return -2;
        }
        int dcidLen = u8(b, p++);
        if (dcidLen > 20 || p + dcidLen >= end) {
            return -2;
        }
        byte[] dcid = new byte[dcidLen];
        System.arraycopy(b, p, dcid, 0, dcidLen);
        p += dcidLen;
        int scidLen = u8(b, p++);
        if (scidLen > 20 || p + scidLen >= end) {
            return -2;
        }
        p += scidLen;
        if (type == 0) {
            long[] tok = new long[1];
            int n = varint(b, p, end, tok);
            if (n < 0 || p + n + tok[0] > end) {
                return -2;
            }
            p += n + (int) tok[0];
        }
        long[] len = new long[1];
        int n = varint(b, p, end, len);
        if (n < 0) {
            return -2;
        }
        p += n;
        int packetEnd = (int) Math.min(end, p + len[0]);
        if (p + len[0] > end + 0L) {
            packetEnd = end; // snap-length truncated: try anyway, GCM will refuse
        }
        f.protocol = "QUIC";
        if (type != 0) {
            return packetEnd; // 0-RTT / Handshake / Retry: nothing readable
        }
        int plen = decryptor.decrypt(b, q, p, packetEnd, version, dcid, plain);
        if (plen < 0) {
            return -1;
        }
        frames(plain, plen, f);
        return packetEnd;
    }

    /** Walks the frames, copying CRYPTO data to its offset in the flow's crypto buffer, then tries the ClientHello. */
    private void frames(byte[] d, int n, Findings f) {
        int p = 0;
        long[] v = new long[1];
        while (p < n) {
            int t = u8(d, p);
            if (t == 0x00 || t == 0x01) {
                p++;
                continue;
            }
            if (t == 0x06) {
                int k = varint(d, p + 1, n, v);
                if (k < 0) {
                    return;
                }
                long offset = v[0];
                int k2 = varint(d, p + 1 + k, n, v);
                if (k2 < 0) {
                    return;
                }
                long length = v[0];
                int data = p + 1 + k + k2;
                if (data + length > n || offset + length > MAX_CRYPTO) {
                    return;
                }
                if (f.crypto == null) {
                    f.crypto = new byte[MAX_CRYPTO];
                    f.cryptoFilled = new java.util.BitSet(MAX_CRYPTO);
                }
                System.arraycopy(d, data, f.crypto, (int) offset, (int) length);
                f.cryptoLen = (int) Math.max(f.cryptoLen, offset + length);
                f.cryptoFilled.set((int) offset, (int) (offset + length));
                p = (int) (data + length);
                continue;
            }
            if (t == 0x02 || t == 0x03) {
                p = skipAck(d, p, n, t == 0x03);
                if (p < 0) {
                    return;
                }
                continue;
            }
            return; // other frames do not appear in a client Initial; stop rather than guess
        }
        tryHello(f);
    }

    private void tryHello(Findings f) {
        byte[] c = f.crypto;
        if (c == null || f.cryptoFilled.nextClearBit(0) < 4) {
            return;
        }
        if (u8(c, 0) != 1) {
            return;
        }
        int len = u24(c, 1);
        if (len + 4 > MAX_CRYPTO || f.cryptoFilled.nextClearBit(0) < len + 4) {
            return;
        }
        hello.parse(c, 4, 4 + len, true, f);
    }

    private static int skipAck(byte[] d, int p, int n, boolean ecn) {
        long[] v = new long[1];
        int q = p + 1;
        for (int i = 0; i < 3; i++) { // largest, delay, range count
            int k = varint(d, q, n, v);
            if (k < 0) {
                return -1;
            }
            q += k;
            if (i == 2 && v[0] > 256) {
                return -1;
            }
        }
        long ranges = v[0];
        int k = varint(d, q, n, v); // first range
        if (k < 0) {
            return -1;
        }
        q += k;
        for (long i = 0; i < 2 * ranges + (ecn ? 3 : 0); i++) {
            k = varint(d, q, n, v);
            if (k < 0) {
                return -1;
            }
            q += k;
        }
        return q;
    }

    /** QUIC variable-length integer at p: returns its size and puts the value in out[0]; -1 if truncated. */
    static int varint(byte[] b, int p, int end, long[] out) {
        if (p >= end) {
            return -1;
        }
        int size = 1 << (u8(b, p) >> 6);
        if (p + size > end) {
            return -1;
        }
        long v = u8(b, p) & 0x3F;
        for (int i = 1; i < size; i++) {
            v = v << 8 | u8(b, p + i);
        }
        out[0] = v;
        return size;
    }

    /** Google QUIC with a plaintext CHLO: find the "CHLO" message and read its SNI tag. */
    private static int gquic(byte[] b, int o, int end, Packet p, Findings f) {
        int chlo = Bytes.indexOf(b, o, Math.min(end, o + 64), "CHLO");
        if (chlo < 0 || p.dir != Packet.TO_SERVER) {
            return NO_MATCH;
        }
        if (chlo + 8 > end) {
            return NO_MATCH;
        }
        int tags = Bytes.u16le(b, chlo + 4);
        int index = chlo + 8;
        int values = index + 8 * tags;
        if (tags == 0 || tags > 64 || values > end) {
            return NO_MATCH;
        }
        int prevEnd = 0;
        for (int i = 0; i < tags; i++) {
            int t = index + 8 * i;
            long tagEnd = Bytes.u32le(b, t + 4);
            if (tagEnd < prevEnd || values + tagEnd > end) {
                return f.match("QUIC");
            }
            if (Bytes.startsWith(b, t, end, "SNI\0")) {
                int s = values + prevEnd;
                int l = (int) tagEnd - prevEnd;
                if (l > 0 && Bytes.printable(b, s, s + l)) {
                    return f.match("QUIC", Bytes.ascii(b, s, l));
                }
            }
            prevEnd = (int) tagEnd;
        }
        return f.match("QUIC");
    }
}
