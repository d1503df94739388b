package io.tapflow.classifier.dissect;

import io.tapflow.classifier.util.Bytes;

/** SSH: the identification line "SSH-protoversion-software" (RFC 4253 §4.2); the client's is kept as the name. */
public final class SshDissector implements Dissector {
    @Override
    public String name() {
        return "SSH";
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
        if (p.len < 4) {
            return Bytes.startsWith(b, o, end, "SSH-".substring(0, p.len)) ? NEED_MORE : NO_MATCH;
        }
        if (!Bytes.startsWith(b, o, end, "SSH-")) {
            return NO_MATCH;
        }
        int eol = Bytes.lineEnd(b, o, end);
        if (eol < 0) {
            return p.len < 255 ? NEED_MORE : NO_MATCH;
        }
        if (eol - o > 255 || !Bytes.printable(b, o, eol) || Bytes.indexOf(b, o + 4, eol, "-") < 0) {
            return NO_MATCH;
        }
        String banner = Bytes.ascii(b, o, eol - o);
        if (p.dir == Packet.TO_SERVER) {
            return f.match("SSH", banner);
        }
        f.serverName = banner; // the server's, until the client's arrives
        return p.otherDirPackets > 0 ? f.match("SSH") : NEED_MORE;
    }
}
