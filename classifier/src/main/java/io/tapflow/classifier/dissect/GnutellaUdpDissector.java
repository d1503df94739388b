package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u32le;
import static io.tapflow.classifier.util.Bytes.u8;

import io.tapflow.classifier.util.Bytes;

/**
 * Gnutella over UDP: a 23-byte descriptor header (16-byte GUID, function, TTL, hops, little-endian payload length)
 * whose length matches the datagram. Only the messages of the Gnutella DHT (function 0x44, "Mojito", with a vendor
 * code) and G2's "GND" framing are taken as proof: a bare ping/pong header is too easy to hit by chance.
 */
public final class GnutellaUdpDissector implements Dissector {
    @Override
    public String name() {
        return "GnutellaUDP";
    }

    @Override
    public boolean recognises(String protocol) {
        return protocol.equals("Gnutella");
    }

    @Override
    public boolean handles(int l4proto) {
        return l4proto == 17;
    }

    @Override
    public int inspect(Packet p, Findings f) {
        byte[] b = p.buf;
        int o = p.off;
        if (p.len >= 8 && Bytes.startsWith(b, o, p.end(), "GND")) {
            // G2: "GND", flags, message id (2), part number, part count (1-based)
            int part = u8(b, o + 6);
            int count = u8(b, o + 7);
            return part >= 1 && part <= count ? f.match("Gnutella") : NO_MATCH;
        }
        if (p.len < 27) {
            return NO_MATCH;
        }
        int function = u8(b, o + 16);
        long length = u32le(b, o + 19);
        if (length + 23 != p.len || function != 0x44) {
            return NO_MATCH;
        }
        // Mojito DHT: TTL/hops carry the DHT version; the payload starts with an opcode and a 4-letter vendor code.
        for (int i = o + 24; i < o + 28; i++) {
            if (b[i] < 'A' || b[i] > 'Z') {
                return NO_MATCH;
            }
        }
        return f.match("Gnutella");
    }
}
