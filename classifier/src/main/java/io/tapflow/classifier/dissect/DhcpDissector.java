package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u32;
import static io.tapflow.classifier.util.Bytes.u8;

import io.tapflow.classifier.util.Bytes;
import java.util.Locale;

/**
 * DHCP (BOOTP op 1/2, Ethernet hardware type, the magic cookie at 236) and DHCPv6 (UDP 546/547, message types
 * 1-13). The DHCP host-name option (12) is the flow's name.
 */
public final class DhcpDissector implements Dissector {
    @Override
    public String name() {
        return "DHCP";
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
        if (p.port(546) || p.port(547)) {
            int t = p.len >= 4 ? u8(b, o) : 0;
            return t >= 1 && t <= 13 ? f.match("DHCPV6") : NO_MATCH;
        }
        if (p.len < 244 || !(p.port(67) || p.port(68))) {
            return NO_MATCH;
        }
        int op = u8(b, o);
        if ((op != 1 && op != 2) || u8(b, o + 1) != 1 || u8(b, o + 2) != 6 || u32(b, o + 236) != 0x63825363L) {
            return NO_MATCH;
        }
        String host = null;
        int q = o + 240;
        while (q < end) {
            int code = u8(b, q);
            if (code == 255) {
                break;
            }
            if (code == 0) {
                q++;
                continue;
            }
            if (q + 2 > end) {
                break;
            }
            int len = u8(b, q + 1);
            if (q + 2 + len > end) {
                break;
            }
            if (code == 12 && len > 0 && Bytes.printable(b, q + 2, q + 2 + len)) {
                host = Bytes.ascii(b, q + 2, len).toLowerCase(Locale.ROOT);
            }
            q += 2 + len;
        }
        return f.match("DHCP", host);
    }
}
