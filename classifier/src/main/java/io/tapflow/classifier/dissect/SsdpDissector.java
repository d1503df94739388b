package io.tapflow.classifier.dissect;

import io.tapflow.classifier.util.Bytes;

/** SSDP (UPnP discovery) over UDP: HTTP-shaped M-SEARCH/NOTIFY requests and their replies; the name is the HOST header. */
public final class SsdpDissector implements Dissector {
    @Override
    public String name() {
        return "SSDP";
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
        int eol = StartLine.request(b, o, end, "HTTP");
        if (eol > 0 && (Bytes.startsWith(b, o, end, "M-SEARCH * ") || Bytes.startsWith(b, o, end, "NOTIFY * "))) {
            return f.match("SSDP", StartLine.header(b, StartLine.next(b, eol, end), end, "HOST"));
        }
        if (StartLine.response(b, o, end, "HTTP") && (p.port(1900))) {
            return f.match("SSDP");
        }
        return NO_MATCH;
    }
}
