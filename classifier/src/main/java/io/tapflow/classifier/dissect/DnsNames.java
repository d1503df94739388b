package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u8;

/** Reads a DNS name (labels and compression pointers, with a hop limit against loops) as dotted lowercase text. */
final class DnsNames {
    private DnsNames() {
    }

    /** End offset of the name starting at {@code p} in the message (after its terminator or pointer), or -1. */
    static int skip(byte[] b, int p, int end) {
        while (p < end) {
            int len = u8(b, p);
            if (len == 0) {
                return p + 1;
            }
            if ((len & 0xC0) == 0xC0) {
                return p + 2 <= end ? p + 2 : -1;
            }
            if ((len & 0xC0) != 0) {
                return -1;
            }
            p += 1 + len;
        }
        return -1;
    }

    /** The name at {@code p}; {@code msg} is the message start for pointers. Null if malformed. */
    static String read(byte[] b, int msg, int p, int end) {
        StringBuilder s = new StringBuilder(64);
        int hops = 0;
        while (p < end) {
            int len = u8(b, p);
            if (len == 0) {
                return s.toString();
            }
            if ((len & 0xC0) == 0xC0) {
                if (p + 1 >= end || ++hops > 16) {
                    return null;
                }
                p = msg + (((len & 0x3F) << 8) | u8(b, p + 1));
                continue;
            }
            if ((len & 0xC0) != 0 || p + 1 + len > end || s.length() > 255) {
                return null;
            }
            if (!s.isEmpty()) {
                s.append('.');
            }
            for (int i = 0; i < len; i++) {
                int c = u8(b, p + 1 + i);
                s.append(c >= 0x21 && c < 0x7F ? (char) Character.toLowerCase(c) : '?');
            }
            p += 1 + len;
        }
        return null;
    }
}
