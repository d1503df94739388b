package io.tapflow.classifier.dissect;

/** A strict bencode walker (dictionaries, lists, integers, byte strings) with a depth limit; no objects built. */
final class Bencode {
    private Bencode() {
    }

    /** True if {@code b[o..end)} is exactly one well-formed bencoded dictionary. */
    static boolean validDict(byte[] b, int o, int end) {
        return o < end && b[o] == 'd' && value(b, o, end, 0) == end;
    }

    /** End of the value at {@code p}, or -1. */
    private static int value(byte[] b, int p, int end, int depth) {
        if (p >= end || depth > 16) {
            return -1;
        }
        byte c = b[p];
        if (c == 'd' || c == 'l') {
            p++;
            boolean dict = c == 'd';
            while (p < end && b[p] != 'e') {
                if (dict) {
                    if (b[p] < '0' || b[p] > '9') {
                        return -1; // dictionary keys are strings
                    }
                    p = value(b, p, end, depth + 1);
                    if (p < 0) {
                        return -1;
                    }
                }
                p = value(b, p, end, depth + 1);
                if (p < 0) {
                    return -1;
                }
            }
            return p < end ? p + 1 : -1;
        }
        if (c == 'i') {
            int q = p + 1;
            if (q < end && b[q] == '-') {
                q++;
            }
            int digits = q;
            while (q < end && b[q] >= '0' && b[q] <= '9') {
                q++;
            }
            return q > digits && q < end && b[q] == 'e' ? q + 1 : -1;
        }
        if (c >= '0' && c <= '9') {
            long len = 0;
            int q = p;
            while (q < end && b[q] >= '0' && b[q] <= '9' && q - p < 9) {
                len = len * 10 + (b[q] - '0');
                q++;
            }
            if (q >= end || b[q] != ':' || q + 1 + len > end) {
                return -1;
            }
            return (int) (q + 1 + len);
        }
        return -1;
    }
}
