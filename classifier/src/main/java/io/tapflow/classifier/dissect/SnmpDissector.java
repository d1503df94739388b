package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u8;

/**
 * SNMP over UDP: BER SEQUENCE { version INTEGER (0, 1 or 3), then a community OCTET STRING and a PDU (tags
 * A0-A8) for v1/v2c, or a header SEQUENCE for v3 }; the outer length must match the datagram.
 */
public final class SnmpDissector implements Dissector {
    @Override
    public String name() {
        return "SNMP";
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
        if (p.len < 10 || u8(b, o) != 0x30) {
            return NO_MATCH;
        }
        int[] lenAt = new int[1];
        int body = length(b, o + 1, end, lenAt);
        if (body < 0 || body + lenAt[0] != end) {
            return NO_MATCH;
        }
        if (u8(b, body) != 0x02 || u8(b, body + 1) != 1) {
            return NO_MATCH;
        }
        int version = u8(b, body + 2);
        int q = body + 3;
        if (q >= end) {
            return NO_MATCH;
        }
        if (version == 0 || version == 1) {
            if (u8(b, q) != 0x04) {
                return NO_MATCH;
            }
            int c = length(b, q + 1, end, lenAt);
            if (c < 0 || c + lenAt[0] >= end) {
                return NO_MATCH;
            }
            int pdu = u8(b, c + lenAt[0]);
            return pdu >= 0xA0 && pdu <= 0xA8 ? f.match("SNMP") : NO_MATCH;
        }
        if (version == 3) {
            return u8(b, q) == 0x30 ? f.match("SNMP") : NO_MATCH;
        }
        return NO_MATCH;
    }

    /** BER length at {@code p}: returns the content offset and puts the content length in {@code out[0]}; -1 if bad. */
    static int length(byte[] b, int p, int end, int[] out) {
        if (p >= end) {
            return -1;
        }
        int first = u8(b, p);
        if (first < 0x80) {
            out[0] = first;
            return p + 1 + first <= end ? p + 1 : -1;
        }
        int n = first & 0x7F;
        if (n == 0 || n > 3 || p + 1 + n > end) {
            return -1;
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = len << 8 | u8(b, p + 1 + i);
        }
        out[0] = len;
        return p + 1 + n + len <= end ? p + 1 + n : -1;
    }
}
