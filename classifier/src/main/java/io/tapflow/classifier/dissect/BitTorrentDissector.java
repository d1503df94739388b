package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u8;

import io.tapflow.classifier.util.Bytes;

/**
 * BitTorrent: the peer wire handshake (19 "BitTorrent protocol", 8 reserved, 20 info-hash), DHT KRPC messages
 * (a bencoded dictionary with "1:y" of q/r/e), and uTP (BEP 29: version 1, type 0-4, extension chain).
 */
public final class BitTorrentDissector implements Dissector {
    private static final String HANDSHAKE = "\u0013BitTorrent protocol";

    @Override
    public String name() {
        return "BitTorrent";
    }

    @Override
    public int inspect(Packet p, Findings f) {
        byte[] b = p.buf;
        int o = p.off;
        int end = p.end();
        if (p.tcp()) {
            if (p.len < HANDSHAKE.length()) {
                return Bytes.startsWith(b, o, end, HANDSHAKE.substring(0, p.len)) ? NEED_MORE : NO_MATCH;
            }
            return Bytes.startsWith(b, o, end, HANDSHAKE) ? f.match("BitTorrent") : NO_MATCH;
        }
        if (Bytes.startsWith(b, o, end, HANDSHAKE)) {
            return f.match("BitTorrent");
        }
        if (p.len >= 12 && b[o] == 'd' && b[end - 1] == 'e' && Bencode.validDict(b, o, end)
                && (Bytes.indexOf(b, o, end, "1:y1:q") >= 0 || Bytes.indexOf(b, o, end, "1:y1:r") >= 0
                || Bytes.indexOf(b, o, end, "1:y1:e") >= 0)) {
            return f.match("BitTorrent");
        }
        return utp(b, o, end, p, f);
    }

    /** uTP: 20-byte header, version 1, type ≤ 4, a valid extension chain; two packets in a row to be sure. */
    private static int utp(byte[] b, int o, int end, Packet p, Findings f) {
        if (end - o < 20) {
            return NO_MATCH;
        }
        int type = u8(b, o) >> 4;
        int version = u8(b, o) & 0xF;
        if (version != 1 || type > 4) {
            return NO_MATCH;
        }
        int ext = u8(b, o + 1);
        int q = o + 20;
        while (ext != 0) {
            if (ext > 4 || q + 2 > end) {
                return NO_MATCH;
            }
            int len = u8(b, q + 1);
            ext = u8(b, q);
            q += 2 + len;
            if (q > end) {
                return NO_MATCH;
            }
        }
        if (type == 4 && end != q) {
            return NO_MATCH; // SYN carries no data
        }
        long conn = Bytes.u16(b, o + 2);
        long[] s = f.state;
        if (s[p.state] != 0 && (s[p.state] - 1 == conn || Math.abs(s[p.state] - 1 - conn) == 1)) {
            return f.match("BitTorrent");
        }
        s[p.state] = conn + 1;
        return NEED_MORE;
    }
}
