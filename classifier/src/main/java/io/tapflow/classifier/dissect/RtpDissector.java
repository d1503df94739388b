package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u16;
import static io.tapflow.classifier.util.Bytes.u32;
import static io.tapflow.classifier.util.Bytes.u8;

/**
 * RTP over UDP (RFC 3550): version 2, a payload type of the audio/video ranges (0-34, 96-127); confirmed by a second
 * packet in the same direction with the same SSRC and a sequence number a few steps on.
 * Over TCP (RFC 4571) each packet is framed by a 2-byte length: a first segment holding exactly one framed RTP
 * packet is enough.
 */
public final class RtpDissector implements Dissector {
    @Override
    public String name() {
        return "RTP";
    }

    @Override
    public boolean handles(int l4proto) {
        return l4proto == 17 || l4proto == 6;
    }

    @Override
    public int inspect(Packet p, Findings f) {
        if ("STUN".equals(f.protocol)) {
            return NEED_MORE; // media after STUN checks is the STUN dissector's call (SRTP)
        }
        byte[] b = p.buf;
        int o = p.off;
        if (p.tcp()) {
            return framed(b, o, p, f);
        }
        int pt = p.len >= 12 ? u8(b, o + 1) & 0x7F : -1;
        if (p.len < 12 || (u8(b, o) >> 6) != 2 || !(pt <= 34 || pt >= 96)) {
            // A stream may start with a few other packets (a keep-alive, a STUN check): skip those, not the flow.
            return p.indexInDir < 3 ? NEED_MORE : NO_MATCH;
        }
        long ssrc = u32(b, o + 8);
        int seq = u16(b, o + 2);
        long[] s = f.state;
        int slot = p.state + p.dir; // one long per direction
        long key = (ssrc << 16 | seq) + 1;
        long prev = s[slot];
        if (prev != 0) {
            long prevSsrc = (prev - 1) >>> 16;
            int prevSeq = (int) ((prev - 1) & 0xFFFF);
            int step = (seq - prevSeq) & 0xFFFF;
            if (prevSsrc == ssrc && step >= 1 && step <= 10) {
                return f.match("RTP");
            }
        }
        s[slot] = key;
        return NEED_MORE;
    }

    private static int framed(byte[] b, int o, Packet p, Findings f) {
        if (p.indexInDir > 0 || p.len < 14) {
            return NO_MATCH;
        }
        int len = u16(b, o);
        int pt = u8(b, o + 3) & 0x7F;
        boolean rtp = len + 2 == p.len && (u8(b, o + 2) >> 6) == 2 && (pt <= 34 || pt >= 96);
        return rtp ? f.match("RTP") : NO_MATCH;
    }
}
