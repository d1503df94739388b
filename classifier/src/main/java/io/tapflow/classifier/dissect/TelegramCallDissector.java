package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u8;

/**
 * Telegram calls through a reflector (tgcalls): every datagram starts with the call's 16-byte peer tag; the
 * reflector's own messages (ping, address) follow it with twelve 0xFF bytes. One such message, then another
 * datagram (either direction) with the same peer tag, make it Telegram.
 */
public final class TelegramCallDissector implements Dissector {
    @Override
    public String name() {
        return "Telegram";
    }

    @Override
    public boolean handles(int l4proto) {
        return l4proto == 17;
    }

    @Override
    public int inspect(Packet p, Findings f) {
        byte[] b = p.buf;
        int o = p.off;
        if (p.len < 32) {
            return NO_MATCH;
        }
        long tagHi = tag(b, o);
        long tagLo = tag(b, o + 8);
        long[] s = f.state;
        if (s[p.state] != 0 || s[p.state + 1] != 0) {
            return s[p.state] == tagHi && s[p.state + 1] == tagLo ? f.match("Telegram") : NO_MATCH;
        }
        for (int i = o + 16; i < o + 28; i++) {
            if (u8(b, i) != 0xFF) {
                return NO_MATCH;
            }
        }
        if (tagHi == 0 && tagLo == 0) {
            return NO_MATCH;
        }
        s[p.state] = tagHi;
        s[p.state + 1] = tagLo;
        return NEED_MORE;
    }

    private static long tag(byte[] b, int o) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | u8(b, o + i);
        }
        return v;
    }
}
