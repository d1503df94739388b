package io.tapflow.classifier.dissect;

import io.tapflow.classifier.util.Bytes;

/**
 * The start line of a text protocol in the HTTP family (HTTP, RTSP, SIP, SSDP): {@code METHOD SP target SP VERSION}
 * or {@code VERSION SP code SP reason}, and header lookup. Works on one buffer, no copies until a value is read.
 */
final class StartLine {
    private StartLine() {
    }

    /** Length of an upper-case token (method) at {@code p}, followed by a space; 0 if none. */
    static int method(byte[] b, int p, int end) {
        int i = p;
        while (i < end && i - p < 16 && ((b[i] >= 'A' && b[i] <= 'Z') || b[i] == '-' || b[i] == '_')) {
            i++;
        }
        return i > p && i < end && b[i] == ' ' ? i - p : 0;
    }

    /**
     * If {@code b[p..)} is a request line {@code METHOD SP target SP <proto>/d.d} returns the end of the line, else -1;
     * -2 if the line is not complete yet but so far fits.
     */
    static int request(byte[] b, int p, int end, String proto) {
        int m = method(b, p, end);
        if (m == 0) {
            return -1;
        }
        int eol = Bytes.lineEnd(b, p, end);
        if (eol < 0) {
            return end - p < 2048 ? -2 : -1;
        }
        int v = eol - proto.length() - 4; // "<proto>/1.1"
        if (v <= p + m + 1 || b[v - 1] != ' ' || !Bytes.startsWith(b, v, eol, proto + "/")) {
            return -1;
        }
        return Bytes.isDigit(b[eol - 3]) && b[eol - 2] == '.' && Bytes.isDigit(b[eol - 1]) ? eol : -1;
    }

    /** True if {@code b[p..)} starts with a status line {@code <proto>/d.d SP ddd}. */
    static boolean response(byte[] b, int p, int end, String proto) {
        int n = proto.length();
        if (end - p < n + 9 || !Bytes.startsWith(b, p, end, proto + "/")) {
            return false;
        }
        int q = p + n + 1;
        return Bytes.isDigit(b[q]) && b[q + 1] == '.' && Bytes.isDigit(b[q + 2]) && b[q + 3] == ' '
                && Bytes.isDigit(b[q + 4]) && Bytes.isDigit(b[q + 5]) && Bytes.isDigit(b[q + 6]);
    }

    /** The value of header {@code name} (case-insensitive) in the header block starting after {@code lineEnd}, or null. */
    static String header(byte[] b, int from, int end, String name) {
        int p = from;
        while (p < end) {
            int eol = Bytes.lineEnd(b, p, end);
            int stop = eol < 0 ? end : eol;
            if (stop == p) {
                return null; // blank line: end of headers
            }
            if (Bytes.startsWithIgnoreCase(b, p, stop, name) && p + name.length() < stop && b[p + name.length()] == ':') {
                int v = p + name.length() + 1;
                while (v < stop && (b[v] == ' ' || b[v] == '\t')) {
                    v++;
                }
                int e = stop;
                while (e > v && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
                    e--;
                }
                return Bytes.ascii(b, v, e - v);
            }
            if (eol < 0) {
                return null;
            }
            p = b[eol] == '\r' ? eol + 2 : eol + 1;
        }
        return null;
    }

    /** Offset of the line after the one ending at {@code eol}. */
    static int next(byte[] b, int eol, int end) {
        return eol < end && b[eol] == '\r' ? eol + 2 : eol + 1;
    }
}
