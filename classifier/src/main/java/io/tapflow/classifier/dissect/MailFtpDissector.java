package io.tapflow.classifier.dissect;

import io.tapflow.classifier.util.Bytes;

/**
 * The line-based greeting protocols: POP3 ("+OK"), IMAP ("* OK"), and the "220 " greeting shared by SMTP and FTP,
 * told apart by the client's first command (EHLO/HELO vs USER/AUTH TLS) or, failing that, the server port.
 */
public final class MailFtpDissector implements Dissector {
    @Override
    public String name() {
        return "MAIL/FTP";
    }

    @Override
    public boolean recognises(String protocol) {
        return switch (protocol) {
            case "POP3", "IMAP", "SMTP", "FTP_CONTROL" -> true;
            default -> false;
        };
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
        int eol = Bytes.lineEnd(b, o, end);
        if (eol < 0) {
            return p.len < 512 ? NEED_MORE : NO_MATCH;
        }
        if (p.dir == Packet.TO_CLIENT) {
            if (Bytes.startsWith(b, o, end, "+OK")) {
                return f.match("POP3");
            }
            if (Bytes.startsWith(b, o, end, "* OK") || Bytes.startsWith(b, o, end, "* PREAUTH")) {
                return f.match("IMAP");
            }
            if (Bytes.startsWith(b, o, end, "220") && eol - o >= 4 && (b[o + 3] == ' ' || b[o + 3] == '-')) {
                if (p.serverPort == 25 || p.serverPort == 587 || Bytes.indexOf(b, o, eol, "SMTP") >= 0) {
                    return f.match("SMTP", greetingHost(b, o + 4, eol));
                }
                if (p.serverPort == 21 || Bytes.indexOf(b, o, eol, "FTP") >= 0) {
                    return f.match("FTP_CONTROL");
                }
                f.state[p.state] = 1; // a 220 greeting: the client's command will tell
                return NEED_MORE;
            }
            return NO_MATCH;
        }
        if (Bytes.startsWithIgnoreCase(b, o, end, "EHLO ") || Bytes.startsWithIgnoreCase(b, o, end, "HELO ")) {
            return f.match("SMTP");
        }
        if (Bytes.startsWithIgnoreCase(b, o, end, "USER ") && (f.state[p.state] == 1 || p.serverPort == 21)) {
            return f.match("FTP_CONTROL");
        }
        if (Bytes.startsWithIgnoreCase(b, o, end, "CAPA") && p.serverPort == 110) {
            return f.match("POP3");
        }
        return p.otherDirPackets == 0 && p.indexInDir == 0 ? NEED_MORE : NO_MATCH;
    }

    private static String greetingHost(byte[] b, int from, int eol) {
        int sp = from;
        while (sp < eol && b[sp] != ' ') {
            sp++;
        }
        return sp > from && Bytes.printable(b, from, sp) ? Bytes.ascii(b, from, sp - from) : null;
    }
}
