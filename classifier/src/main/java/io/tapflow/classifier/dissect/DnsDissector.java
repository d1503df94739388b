package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u16;

/**
 * DNS on any port, and its multicast relatives by port: mDNS (5353) and LLMNR (5355). Checks the header (opcode,
 * counts that fit the message, a question whose name parses and whose class is IN/ANY or mDNS's unicast bit) and
 * reads the first question's name. Over TCP the message follows a 2-byte length.
 *
 * <p>For plain DNS it also notes the first question's type and, when the flow's first message is a query, asks to
 * see the reply ({@link Findings#awaitingResponse}): the response with the same transaction id gives the response
 * code and answer count (NXDOMAIN ratios need them). A flow that starts with the response takes them from it.
 */
public final class DnsDissector implements Dissector {
    @Override
    public String name() {
        return "DNS";
    }

    @Override
    public int inspect(Packet p, Findings f) {
        if (f.awaitingResponse) {
            return response(p, f);
        }
        byte[] b = p.buf;
        int msg = p.off;
        int end = p.end();
        if (p.tcp()) {
            if (!(p.port(53) || p.port(5353) || p.port(5355))) {
                return NO_MATCH; // DNS over TCP off its ports is too rare to be worth a false positive
            }
            if (p.len < 2) {
                return NEED_MORE;
            }
            int len = u16(b, msg);
            if (len < 12) {
                return NO_MATCH;
            }
            msg += 2;
            end = Math.min(end, msg + len);
        }
        if (end - msg < 12) {
            return NO_MATCH;
        }
        int flags = u16(b, msg + 2);
        int opcode = (flags >> 11) & 0xF;
        int qd = u16(b, msg + 4);
        int an = u16(b, msg + 6);
        int ns = u16(b, msg + 8);
        int ar = u16(b, msg + 10);
        boolean response = (flags & 0x8000) != 0;
        int rcode = flags & 0xF;
        if (opcode > 6 || opcode == 3 || rcode > 10 || (flags & 0x0040) != 0) {
            return NO_MATCH; // the Z bit must be zero
        }
        if (qd > 16 || an > 128 || ns > 64 || ar > 64 || qd + an + ns + ar == 0) {
            return NO_MATCH;
        }
        if (qd == 0 && !response) {
            return NO_MATCH;
        }
        String proto = p.port(5353) ? "MDNS" : p.port(5355) ? "LLMNR" : "DNS";
        int q = msg + 12;
        String name = null;
        int qtype = 0;
        if (qd > 0) {
            int after = DnsNames.skip(b, q, end);
            if (after < 0 || after + 4 > end) {
                return NO_MATCH;
            }
            int type = u16(b, after);
            int cls = u16(b, after + 2) & 0x7FFF; // mDNS: top bit = unicast response wanted
            if (cls != 1 && cls != 255 && cls != 3 && cls != 4) {
                return NO_MATCH;
            }
            if (type == 0 || (type > 260 && type < 32768 && type != 65535)) {
                return NO_MATCH;
            }
            name = DnsNames.read(b, msg, q, end);
            if (name == null) {
                return NO_MATCH;
            }
            qtype = type;
        } else {
            // A response without a question (mDNS announcements): the first answer's name.
            int after = DnsNames.skip(b, q, end);
            if (after < 0 || after + 10 > end) {
                return NO_MATCH;
            }
            name = DnsNames.read(b, msg, q, end);
        }
        if (!proto.equals("DNS")) {
            return f.match(proto, name);
        }
        // Plain DNS off port 53 needs a stronger sign: a sane question and either side on a DNS-ish port.
        if (!p.port(53) && !(qd == 1 && !response && an == 0 && ns == 0 && ar <= 1 && name != null && name.contains("."))) {
            return NO_MATCH;
        }
        f.dnsQueryType = qtype;
        if (response) {
            f.dnsRcode = rcode;
            f.dnsAnswers = an;
        } else {
            f.dnsQueryId = u16(b, msg);
            f.awaitingResponse = true;
        }
        return f.match("DNS", name);
    }

    /**
     * After the first query matched: the response that repeats its transaction id, from either direction's stream
     * (over TCP the first message of the reply stream). Anything else (more queries, other responses) waits.
     */
    private static int response(Packet p, Findings f) {
        byte[] b = p.buf;
        int msg = p.off;
        int end = p.end();
        if (p.tcp()) {
            if (p.len < 2 || u16(b, msg) < 12) {
                return NEED_MORE;
            }
            end = Math.min(end, msg + 2 + u16(b, msg));
            msg += 2;
        }
        if (end - msg < 12) {
            return NEED_MORE;
        }
        int flags = u16(b, msg + 2);
        if ((flags & 0x8000) == 0 || u16(b, msg) != f.dnsQueryId) {
            return NEED_MORE;
        }
        f.dnsRcode = flags & 0xF;
        f.dnsAnswers = u16(b, msg + 6);
        f.awaitingResponse = false;
        return MATCH;
    }
}
