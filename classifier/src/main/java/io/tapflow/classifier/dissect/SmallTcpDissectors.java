package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u16;
import static io.tapflow.classifier.util.Bytes.u32le;
import static io.tapflow.classifier.util.Bytes.u8;

import io.tapflow.classifier.util.Bytes;

/** Small TCP protocols recognised by their first message: one nested class each. */
public final class SmallTcpDissectors {
    private SmallTcpDissectors() {
    }

    abstract static class Tcp implements Dissector {
        @Override
        public boolean handles(int l4proto) {
            return l4proto == 6;
        }
    }

    /** MQTT: a CONNECT (type 1) whose variable header names the protocol "MQTT" (3.1.1/5) or "MQIsdp" (3.1). */
    public static final class Mqtt extends Tcp {
        @Override
        public String name() {
            return "MQTT";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            byte[] b = p.buf;
            int o = p.off;
            if (p.len < 2 || u8(b, o) != 0x10) { // either direction: captures may miss the handshake
                return NO_MATCH;
            }
            int i = o + 1;
            int shift = 0;
            int remaining = 0;
            while (i < p.end() && shift <= 21) {
                int c = u8(b, i++);
                remaining |= (c & 0x7F) << shift;
                if ((c & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            if (i + 8 > p.end()) {
                return p.len < 16 ? NEED_MORE : NO_MATCH;
            }
            if (remaining < 10) {
                return NO_MATCH;
            }
            boolean v311 = u16(b, i) == 4 && Bytes.startsWith(b, i + 2, p.end(), "MQTT");
            boolean v31 = u16(b, i) == 6 && Bytes.startsWith(b, i + 2, p.end(), "MQIsdp");
            return v311 || v31 ? f.match("MQTT") : NO_MATCH;
        }
    }

    /** RDP: TPKT (3, 0, length) carrying an X.224 Connection Request (0xE0) or Confirm (0xD0). */
    public static final class Rdp extends Tcp {
        @Override
        public String name() {
            return "RDP";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            byte[] b = p.buf;
            int o = p.off;
            if (p.len < 11) {
                return p.len >= 1 && u8(b, o) != 3 ? NO_MATCH : NEED_MORE;
            }
            int len = u16(b, o + 2);
            int li = u8(b, o + 4);
            int code = u8(b, o + 5) & 0xF0;
            if (u8(b, o) != 3 || u8(b, o + 1) != 0 || len < 11 || li + 5 != len || (code != 0xE0 && code != 0xD0)) {
                return NO_MATCH;
            }
            return f.match("RDP");
        }
    }

    /** eDonkey/eMule: protocol byte 0xE3/0xC5/0xD4, a little-endian length matching the segment, a known opcode. */
    public static final class EDonkey extends Tcp {
        @Override
        public String name() {
            return "eDonkey";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            byte[] b = p.buf;
            int o = p.off;
            if (p.len < 6) {
                return NO_MATCH;
            }
            int proto = u8(b, o);
            if (proto != 0xE3 && proto != 0xC5 && proto != 0xD4) {
                return NO_MATCH;
            }
            long len = u32le(b, o + 1);
            int op = u8(b, o + 5);
            if (len < 1 || len > 1 << 20 || (5 + len != p.segmentLen && 5 + len > p.len)) {
                return NO_MATCH;
            }
            return op == 0x01 || op == 0x4C || op == 0x38 || op == 0x40 || op == 0x41 || op == 0x46 || op == 0x58
                    || op == 0x15 || op == 0x16 || op == 0x19 || op == 0x14 ? f.match("eDonkey") : NO_MATCH;
        }
    }

    /** WhatsApp chat (XMPP-derived "FunXMPP"): the stream opens with "WA", a major and a minor version byte. */
    public static final class WhatsApp extends Tcp {
        @Override
        public String name() {
            return "WhatsApp";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            byte[] b = p.buf;
            int o = p.off;
            if (p.dir != Packet.TO_SERVER || p.len < 4) {
                return NO_MATCH;
            }
            return b[o] == 'W' && b[o + 1] == 'A' && u8(b, o + 2) <= 9 && u8(b, o + 3) <= 9 ? f.match("WhatsApp") : NO_MATCH;
        }
    }

    /** Gnutella: the "GNUTELLA CONNECT/0.6" handshake and its "GNUTELLA/0.6 200" answer. */
    public static final class GnutellaTcp extends Tcp {
        @Override
        public String name() {
            return "Gnutella";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            byte[] b = p.buf;
            int o = p.off;
            if (p.len < 17) {
                return Bytes.startsWith(b, o, p.end(), "GNUTELLA CONNECT/".substring(0, p.len)) ? NEED_MORE : NO_MATCH;
            }
            if (Bytes.startsWith(b, o, p.end(), "GNUTELLA CONNECT/") || Bytes.startsWith(b, o, p.end(), "GNUTELLA/0.")) {
                return f.match("Gnutella");
            }
            return NO_MATCH;
        }
    }
}
