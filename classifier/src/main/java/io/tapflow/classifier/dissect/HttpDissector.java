package io.tapflow.classifier.dissect;

import io.tapflow.classifier.util.Bytes;
import java.util.Locale;
import java.util.Set;

/**
 * HTTP/1.x over TCP: a request line with a known method and an HTTP/1.x version (Host and User-Agent read), or a
 * status line from the server. Gnutella's HTTP-based transfers are told apart by their headers, like nDPI does.
 */
public final class HttpDissector implements Dissector {
    private static final Set<String> METHODS = Set.of("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS",
            "CONNECT", "PATCH", "TRACE", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH");

    @Override
    public String name() {
        return "HTTP";
    }

    @Override
    public boolean handles(int l4proto) {
        return l4proto == 6;
    }

    @Override
    public int inspect(Packet p, Findings f) {
        byte[] b = p.buf;
        int o = p.off;
        int end = p.end();
        if (StartLine.response(b, o, end, "HTTP")) {
            return f.match("HTTP"); // either direction: the capture may have started after the request
        }
        int eol = StartLine.request(b, o, end, "HTTP");
        if (eol == -2) {
            return NEED_MORE;
        }
        if (eol < 0) {
            return p.len < 12 && Bytes.startsWith(b, o, end, "HTTP/".substring(0, Math.min(5, p.len)))
                    ? NEED_MORE : NO_MATCH;
        }
        String method = Bytes.ascii(b, o, StartLine.method(b, o, end));
        if (!METHODS.contains(method)) {
            return NO_MATCH;
        }
        int headers = StartLine.next(b, eol, end);
        String host = StartLine.header(b, headers, end, "Host");
        f.userAgent = StartLine.header(b, headers, end, "User-Agent");
        if (gnutella(b, o, end, headers, f.userAgent)) {
            f.app = "Gnutella";
        }
        if (host != null) {
            int colon = host.lastIndexOf(':');
            if (colon > 0 && host.indexOf(':') == colon) {
                host = host.substring(0, colon); // host:port, not an IPv6 literal
            }
            host = host.toLowerCase(Locale.ROOT);
        }
        return f.match("HTTP", host);
    }

    private static boolean gnutella(byte[] b, int o, int end, int headers, String ua) {
        if (ua != null && ua.startsWith("Gnutella")) {
            return true;
        }
        return StartLine.header(b, headers, end, "X-Gnutella-Content-URN") != null
                || StartLine.header(b, headers, end, "X-Queue") != null
                || (Bytes.startsWith(b, o, end, "GET /uri-res/"))
                || (Bytes.startsWith(b, o, end, "GET /get/"));
    }
}
