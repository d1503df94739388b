package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u16;
import static io.tapflow.classifier.util.Bytes.u8;

import io.tapflow.classifier.util.Bytes;
import java.util.Locale;

/**
 * NetBIOS: the name service on UDP 137 (DNS-shaped, names in "first-level encoding": 32 letters A-P), the datagram
 * service on UDP 138 (an SMB browser announcement inside is SMBv1), and the session service on TCP 139/445 carrying
 * SMB (0xFF 'SMB' = SMBv1, 0xFE 'SMB' = SMBv2/3).
 */
public final class NetBiosDissector implements Dissector {
    @Override
    public String name() {
        return "NetBIOS";
    }

    @Override
    public boolean recognises(String protocol) {
        return protocol.equals("NetBIOS") || protocol.equals("SMBv1") || protocol.equals("SMBv23");
    }

    @Override
    public int inspect(Packet p, Findings f) {
        byte[] b = p.buf;
        int o = p.off;
        int end = p.end();
        if (p.udp()) {
            if (p.clientPort == 137 || p.serverPort == 137) {
                return nameService(b, o, end, f);
            }
            if (p.clientPort == 138 && p.serverPort == 138) {
                return datagram(b, o, end, f);
            }
            return NO_MATCH;
        }
        if (!(p.serverPort == 139 || p.serverPort == 445)) {
            return NO_MATCH;
        }
        if (p.len < 8) {
            return NEED_MORE;
        }
        int type = u8(b, o);
        if (type != 0x00 && type != 0x81 && type != 0x82 && type != 0x85) {
            return NO_MATCH;
        }
        if (type == 0x00) {
            if (Bytes.startsWith(b, o + 4, end, "\u00feSMB")) {
                f.app = "SMBv23";
                return f.match("NetBIOS");
            }
            if (Bytes.startsWith(b, o + 4, end, "\u00ffSMB")) {
                f.app = "SMBv1";
                return f.match("NetBIOS");
            }
            return NO_MATCH;
        }
        return f.match("NetBIOS");
    }

    private static int nameService(byte[] b, int o, int end, Findings f) {
        if (end - o < 12 + 34 + 4) {
            return NO_MATCH;
        }
        int flags = u16(b, o + 2);
        int opcode = (flags >> 11) & 0xF;
        if (opcode != 0 && opcode != 5 && opcode != 6 && opcode != 7 && opcode != 8) {
            return NO_MATCH;
        }
        int q = o + 12;
        if (u8(b, q) != 32) {
            return NO_MATCH;
        }
        String name = decode(b, q + 1);
        return name == null ? NO_MATCH : f.match("NetBIOS", name);
    }

    private static int datagram(byte[] b, int o, int end, Findings f) {
        if (end - o < 14 + 34) {
            return NO_MATCH;
        }
        int type = u8(b, o);
        if (type < 0x10 || type > 0x16) {
            return NO_MATCH;
        }
        String name = null;
        if (type <= 0x12 && u8(b, o + 14) == 32) {
            name = decode(b, o + 15);
        }
        if (Bytes.indexOf(b, o, end, "\u00ffSMB") >= 0) {
            f.app = "SMBv1";
        }
        return f.match("NetBIOS", name);
    }

    /** First-level decoding: pairs of 'A'+nibble; the 16th byte is the name type; trailing spaces trimmed. */
    static String decode(byte[] b, int p) {
        StringBuilder s = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            int hi = u8(b, p + 2 * i) - 'A';
            int lo = u8(b, p + 2 * i + 1) - 'A';
            if (hi < 0 || hi > 15 || lo < 0 || lo > 15) {
                return null;
            }
            if (i < 15) {
                s.append((char) (hi << 4 | lo));
            }
        }
        String name = s.toString().trim().toLowerCase(Locale.ROOT);
        StringBuilder clean = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            clean.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return clean.toString();
    }
}
