package io.tapflow.classifier.dissect;

/** SIP over UDP or TCP: a request line ending in SIP/2.0 (INVITE, REGISTER...) or a SIP/2.0 status line. */
public final class SipDissector implements Dissector {
    @Override
    public String name() {
        return "SIP";
    }

    @Override
    public int inspect(Packet p, Findings f) {
        int eol = StartLine.request(p.buf, p.off, p.end(), "SIP");
        if (eol > 0 || StartLine.response(p.buf, p.off, p.end(), "SIP")) {
            return f.match("SIP");
        }
        return eol == -2 && p.tcp() ? NEED_MORE : NO_MATCH;
    }
}
