package io.tapflow.classifier.dissect;

import io.tapflow.classifier.util.Bytes;

/** Syslog (RFC 3164/5424): "<PRI>" with PRI 0-191, then a timestamp, version digit or text; mostly printable. */
public final class SyslogDissector implements Dissector {
    @Override
    public String name() {
        return "Syslog";
    }

    @Override
    public int inspect(Packet p, Findings f) {
        byte[] b = p.buf;
        int o = p.off;
        int end = p.end();
        if (p.dir != Packet.TO_SERVER || p.len < 5 || b[o] != '<') {
            return NO_MATCH;
        }
        int i = o + 1;
        int pri = 0;
        while (i < end && i - o <= 3 && Bytes.isDigit(b[i])) {
            pri = pri * 10 + (b[i] - '0');
            i++;
        }
        if (i == o + 1 || i >= end || b[i] != '>' || pri > 191 || (b[o + 1] == '0' && i > o + 2)) {
            return NO_MATCH;
        }
        int textEnd = Math.min(end, i + 1 + 32);
        if (!Bytes.printable(b, i + 1, textEnd)) {
            return NO_MATCH;
        }
        return f.match("Syslog");
    }
}
