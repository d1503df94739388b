package io.tapflow.classifier.dissect;

/** RTSP over TCP: a request line ending in RTSP/1.0 (DESCRIBE, SETUP, OPTIONS...) or an RTSP status line. */
public final class RtspDissector implements Dissector {
    @Override
    public String name() {
        return "RTSP";
    }

    @Override
    public int inspect(Packet p, Findings f) {
        int eol = StartLine.request(p.buf, p.off, p.end(), "RTSP");
        if (eol > 0 || StartLine.response(p.buf, p.off, p.end(), "RTSP")) {
            return f.match("RTSP");
        }
        return eol == -2 ? NEED_MORE : NO_MATCH;
    }
}
