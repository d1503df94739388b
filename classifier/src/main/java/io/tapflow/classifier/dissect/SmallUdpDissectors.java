package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u16;
import static io.tapflow.classifier.util.Bytes.u32;
import static io.tapflow.classifier.util.Bytes.u8;

import io.tapflow.classifier.util.Bytes;

/** Small UDP protocols whose whole test is a fixed header: one nested class each. */
public final class SmallUdpDissectors {
    private SmallUdpDissectors() {
    }

    abstract static class Udp implements Dissector {
        @Override
        public boolean handles(int l4proto) {
            return l4proto == 17;
        }
    }

    /** NTP (RFC 5905): 48-byte header on port 123, version 1-4, mode 1-7 (or a mode-6/7 control message). */
    public static final class Ntp extends Udp {
        @Override
        public String name() {
            return "NTP";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            if (!p.port(123) || p.len < 12) {
                return NO_MATCH;
            }
            int v = (u8(p.buf, p.off) >> 3) & 7;
            int mode = u8(p.buf, p.off) & 7;
            if (v < 1 || v > 4 || mode == 0) {
                return NO_MATCH;
            }
            return p.len >= 48 || mode >= 6 ? f.match("NTP") : NO_MATCH;
        }
    }

    /** NetFlow v5/v9 and IPFIX (v10): version, a record count and a length consistent with the datagram. */
    public static final class NetFlow extends Udp {
        @Override
        public String name() {
            return "NetFlow";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            byte[] b = p.buf;
            int o = p.off;
            if (p.len < 20) {
                return NO_MATCH;
            }
            int v = u16(b, o);
            int count = u16(b, o + 2);
            if (v == 5) {
                return count >= 1 && count <= 30 && p.len == 24 + 48 * count ? f.match("NetFlow") : NO_MATCH;
            }
            if (v == 9) {
                if (count == 0 || count > 512) {
                    return NO_MATCH;
                }
                int fs = u16(b, o + 20);
                int fl = p.len >= 24 ? u16(b, o + 22) : 0;
                return (fs == 0 || fs == 1 || fs >= 256) && fl >= 4 && 20 + fl <= p.len ? f.match("NetFlow") : NO_MATCH;
            }
            if (v == 10) {
                return count == p.len ? f.match("NetFlow") : NO_MATCH; // IPFIX: the field is the message length
            }
            return NO_MATCH;
        }
    }

    /** sFlow v5: version 5, agent address type 1 (IPv4) or 2 (IPv6), plausible sample count. */
    public static final class SFlow extends Udp {
        @Override
        public String name() {
            return "sFlow";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            byte[] b = p.buf;
            int o = p.off;
            if (p.len < 28 || u32(b, o) != 5) {
                return NO_MATCH;
            }
            long at = u32(b, o + 4);
            int hdr = at == 1 ? 28 : at == 2 ? 40 : -1;
            if (hdr < 0 || p.len < hdr) {
                return NO_MATCH;
            }
            long samples = u32(b, o + hdr - 4);
            return samples >= 1 && samples <= 64 ? f.match("sFlow") : NO_MATCH;
        }
    }

    /** WireGuard: message type 1-4 with three zero reserved bytes and the type's fixed length (data: ≥ 32). */
    public static final class WireGuard extends Udp {
        @Override
        public String name() {
            return "WireGuard";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            byte[] b = p.buf;
            int o = p.off;
            if (p.len < 32 || u8(b, o + 1) != 0 || u8(b, o + 2) != 0 || u8(b, o + 3) != 0) {
                return NO_MATCH;
            }
            int t = u8(b, o);
            boolean ok = (t == 1 && p.len == 148) || (t == 2 && p.len == 92) || (t == 3 && p.len == 64);
            if (ok) {
                return f.match("WireGuard");
            }
            if (t == 4 && (p.len & 15) == 0) {
                long[] s = f.state;
                long receiver = u32(b, o + 4) + 1;
                if (s[p.state] == receiver) {
                    return f.match("WireGuard"); // two data packets to the same receiver index
                }
                s[p.state] = receiver;
                return NEED_MORE;
            }
            return NO_MATCH;
        }
    }

    /** Dropbox LAN sync discovery: a JSON broadcast on UDP 17500 with "host_int". */
    public static final class DropboxLanSync extends Udp {
        @Override
        public String name() {
            return "Dropbox";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            if (!(p.clientPort == 17500 && p.serverPort == 17500) || p.len < 16 || p.buf[p.off] != '{') {
                return NO_MATCH;
            }
            return Bytes.indexOf(p.buf, p.off, p.end(), "\"host_int\"") >= 0 ? f.match("Dropbox") : NO_MATCH;
        }
    }

    /** Spotify Connect LAN discovery: "SpotUdp0" on UDP 57621. */
    public static final class SpotifyDiscovery extends Udp {
        @Override
        public String name() {
            return "Spotify";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            return p.port(57621) && Bytes.startsWith(p.buf, p.off, p.end(), "SpotUdp0") ? f.match("Spotify") : NO_MATCH;
        }
    }

    /** NAT-PMP (RFC 6886) on UDP 5351: version 0, opcode 0-2 (replies 128-130) with the opcode's fixed length. */
    public static final class NatPmp extends Udp {
        @Override
        public String name() {
            return "NAT-PMP";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            if (!p.port(5351) || p.len < 2 || u8(p.buf, p.off) != 0) {
                return NO_MATCH;
            }
            int op = u8(p.buf, p.off + 1);
            boolean ok = (op == 0 && p.len == 2) || ((op == 1 || op == 2) && p.len == 12) || (op == 128 && p.len == 12)
                    || ((op == 129 || op == 130) && p.len == 16);
            return ok ? f.match("NAT-PMP") : NO_MATCH;
        }
    }

    /** WS-Discovery: SOAP over UDP 3702. */
    public static final class Wsd extends Udp {
        @Override
        public String name() {
            return "WSD";
        }

        @Override
        public int inspect(Packet p, Findings f) {
            if (!p.port(3702) || !Bytes.startsWith(p.buf, p.off, p.end(), "<?xml")) {
                return NO_MATCH;
            }
            return Bytes.indexOf(p.buf, p.off, p.end(), "discovery") >= 0 ? f.match("WSD") : NO_MATCH;
        }
    }
}
