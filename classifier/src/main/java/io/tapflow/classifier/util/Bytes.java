package io.tapflow.classifier.util;

import java.nio.charset.StandardCharsets;

/** Bounds-aware reads over untrusted bytes: callers check lengths first; these never index past {@code end}. */
public final class Bytes {
    private Bytes() {
    }

    public static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    public static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    public static int u16le(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    public static int u24(byte[] b, int i) {
        return (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
    }

    public static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
    }

    public static long u32le(byte[] b, int i) {
        return u16le(b, i) | ((long) u16le(b, i + 2) << 16);
    }

    /** True if {@code b[off..end)} starts with the ASCII {@code prefix}. */
    public static boolean startsWith(byte[] b, int off, int end, String prefix) {
        int n = prefix.length();
        if (end - off < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[off + i] != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive ASCII prefix test. */
    public static boolean startsWithIgnoreCase(byte[] b, int off, int end, String prefix) {
        int n = prefix.length();
        if (end - off < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = b[off + i] & 0xFF;
            if (Character.toLowerCase(c) != Character.toLowerCase(prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** First index of {@code needle} in {@code b[from..end)}, or -1. */
    public static int indexOf(byte[] b, int from, int end, String needle) {
        int n = needle.length();
        outer:
        for (int i = from; i + n <= end; i++) {
            for (int j = 0; j < n; j++) {
                if (b[i + j] != (byte) needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Index of the next CRLF (or lone LF) at or after {@code from}, or -1. */
    public static int lineEnd(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') {
                return i > from && b[i - 1] == '\r' ? i - 1 : i;
            }
        }
        return -1;
    }

    public static String ascii(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /** True if every byte in range is printable ASCII (or tab). */
    public static boolean printable(byte[] b, int off, int end) {
        for (int i = off; i < end; i++) {
            int c = b[i] & 0xFF;
            if ((c < 0x20 && c != '\t') || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    public static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    public static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return s.toString();
    }
}
