package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u16;
import static io.tapflow.classifier.util.Bytes.u32;
import static io.tapflow.classifier.util.Bytes.u8;

/**
 * STUN/TURN over UDP (RFC 5389/8489, and classic RFC 3489 without the magic cookie): type with the top two bits
 * clear, a length that is a multiple of 4 and fits the datagram, a well-formed attribute chain. Vendor attributes
 * name the application: Microsoft's (0x8054 candidate id, 0x8055 service quality, 0x8070 implementation version)
 * Teams/Skype calls, WhatsApp's 0x4000-0x4007 range its calls. Media following STUN on the same flow is SRTP.
 */
public final class StunDissector implements Dissector {
    private static final long COOKIE = 0x2112A442L;

    @Override
    public String name() {
        return "STUN";
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
        long[] s = f.state;
        int seen = (int) s[p.state];
        String app = stun(b, o, end);
        if (app != null) {
            if (!app.isEmpty() && f.app == null) {
                f.app = app;
            }
            f.protocol = "STUN";
            s[p.state] = ++seen;
            return NEED_MORE; // media may follow the checks; the classifier's packet limit ends the wait
        }
        if (seen > 0 && p.len > 0) {
            int v = u8(b, o) >> 6;
            // RTP version 2 after the STUN checks: the media, encrypted (SRTP). nDPI keeps naming Teams/Skype
            // calls by their STUN session (STUN.Skype_TeamsCall), so those stay STUN.
            if (v == 2 && p.len >= 12 && !"Skype_TeamsCall".equals(f.app)) {
                // Media: two packets of one RTP stream, or RTP both ways. Kept as (ssrc + 1) << 2 | directions seen.
                long ssrc = u32(b, o + 8) + 1;
                long media = s[p.state + 1];
                int dirs = (int) (media & 3) | (1 << p.dir);
                if (((media >>> 2) == ssrc && (media & 3) != 0) || dirs == 3) {
                    f.protocol = "SRTP";
                    return MATCH;
                }
                s[p.state + 1] = ssrc << 2 | dirs;
                return NEED_MORE;
            }
            return MATCH; // STUN stays the verdict
        }
        return NO_MATCH;
    }

    /** The application a STUN message names ("" if none), or null if it is not STUN. */
    static String stun(byte[] b, int o, int end) {
        if (end - o < 20) {
            return null;
        }
        int type = u16(b, o);
        int len = u16(b, o + 2);
        if ((type & 0xC000) != 0 || o + 20 + len != end) {
            return null;
        }
        boolean cookie = u32(b, o + 4) == COOKIE;
        if ((len & 3) != 0 && !cookie) {
            return null; // with the cookie, unpadded attributes are tolerated (below)
        }
        if (!cookie && !(type == 0x0001 || type == 0x0101 || type == 0x0111 || type == 0x0002 || type == 0x0102)) {
            return null;
        }
        String app = attributes(b, o + 20, end, true);
        return app != null ? app : attributes(b, o + 20, end, false);
    }

    /**
     * Walks the attribute chain; RFC 5389 pads each value to 4 bytes, Microsoft's and WhatsApp's stacks do not
     * always, so the caller tries both. Returns the application the attributes name ("" if none), or null if the
     * chain does not end exactly at the end of the message.
     */
    private static String attributes(byte[] b, int q, int end, boolean padded) {
        String app = "";
        while (q + 4 <= end) {
            int at = u16(b, q);
            int al = u16(b, q + 2);
            int next = q + 4 + (padded ? (al + 3) & ~3 : al);
            if (next > end) {
                return null;
            }
            if (at == 0x8054 || at == 0x8055 || at == 0x8070 || at == 0x8008 || at == 0x8006) {
                app = "Skype_TeamsCall";
            } else if (at >= 0x4000 && at <= 0x4007) {
                app = "WhatsAppCall";
            }
            q = next;
        }
        return q == end ? app : null;
    }
}
