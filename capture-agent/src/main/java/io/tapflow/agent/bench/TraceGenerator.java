package io.tapflow.agent.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes a deterministic synthetic trace for benchmarks: a classic pcap (Ethernet, microsecond timestamps) of
 * {@code packets} frames over {@code flows} bidirectional flows. The same {@link TraceSpec} always gives the same
 * bytes (its own SplitMix64 generator, StrictMath for the Zipf weights).
 *
 * <p>The trace:
 * <ul>
 * <li><b>Flows</b> have fixed endpoints derived from their index. A flow is IPv6 with probability {@code ipv6Share},
 * carries one 802.1Q tag with probability {@code vlanShare} and is TCP with probability {@code tcpShare} (else UDP);
 * the shares are per flow, not per packet. Clients are unique (IPv4 10.0.0.0/8, IPv6 fd00::/8), servers live
 * elsewhere (172.16.0.0/12, 2001:db8::/32), so no two flows share a key in either direction.</li>
 * <li><b>Every flow gets at least one packet</b> when {@code packets >= flows}: flow {@code j} is started by packet
 * {@code ceil(j * packets / flows)}; every other packet goes to a flow drawn by popularity (Zipf through an alias
 * table, O(1) per packet; or uniform). So the trace has exactly {@code min(packets, flows)} distinct flows.</li>
 * <li><b>Direction</b>: a flow's first packet goes client → server (a SYN for TCP); later packets go server → client
 * one time in three (ACKs). No FIN or RST, so no flow ends before the end of the trace.</li>
 * <li><b>Frames</b>: 64 bytes, or IMIX 64/576/1500 bytes in the ratio 7:4:1, without FCS. A frame whose headers do
 * not fit in 64 bytes (IPv6 + TCP: 74, with a VLAN tag 78; IPv6 + UDP + VLAN: 66) is as long as its headers, so
 * with the default 10% IPv6 a "64-byte" trace averages about 64.8 bytes a frame. L4 checksums are zero.</li>
 * <li><b>Time</b>: timestamps increase evenly from {@code start} over {@code duration}.</li>
 * </ul>
 *
 * <pre>
 * TraceGenerator.Result r = TraceGenerator.generate(TraceSpec.of(10_000_000, 1_000_000), Path.of("trace.pcap"));
 * System.out.println(r.summary());
 * </pre>
 */
public final class TraceGenerator {
    /** How packets pick their flow. */
    public enum Popularity { ZIPF, UNIFORM }

    /** Frame lengths. */
    public enum FrameSize { FIXED_64, IMIX }

    /**
     * What to generate.
     *
     * @param packets frames in the trace (at least 1)
     * @param flows bidirectional flows (1 to {@value #MAX_FLOWS})
     * @param zipfExponent {@code s} of the Zipf law (weight of the flow of rank r is 1/r^s); ignored for UNIFORM
     * @param tcpShare share of flows that are TCP, the others are UDP
     * @param ipv6Share share of flows that are IPv6
     * @param vlanShare share of flows with an 802.1Q tag
     * @param start timestamp of the first packet
     * @param duration capture time from the first to the last packet
     */
    public record TraceSpec(long packets, int flows, Popularity popularity, double zipfExponent, FrameSize frameSize,
                            double tcpShare, double ipv6Share, double vlanShare, long seed, Instant start,
                            Duration duration) {
        public static final int MAX_FLOWS = 1 << 24;
        public static final long MAX_PACKETS = 1L << 36;
        public static final double DEFAULT_ZIPF_EXPONENT = 1.0;
        public static final double DEFAULT_TCP_SHARE = 0.8;
        public static final double DEFAULT_IPV6_SHARE = 0.1;
        public static final double DEFAULT_VLAN_SHARE = 0.1;
        public static final long DEFAULT_SEED = 1;
        public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");
        public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);

        public TraceSpec {
            if (packets < 1 || packets > MAX_PACKETS) {
                throw new IllegalArgumentException("packets must be between 1 and " + MAX_PACKETS + ": " + packets);
            }
            if (flows < 1 || flows > MAX_FLOWS) {
                throw new IllegalArgumentException("flows must be between 1 and " + MAX_FLOWS + ": " + flows);
            }
            if (popularity == null || frameSize == null || start == null || duration == null) {
                throw new IllegalArgumentException("popularity, frame size, start and duration are required");
            }
            if (!(zipfExponent > 0 && zipfExponent <= 10)) {
                throw new IllegalArgumentException("zipf exponent must be in (0, 10]: " + zipfExponent);
            }
            share("tcp share", tcpShare);
            share("ipv6 share", ipv6Share);
            share("vlan share", vlanShare);
            long startSec = start.getEpochSecond();
            long endSec = start.plus(duration).getEpochSecond();
            if (duration.isNegative() || startSec < 0 || endSec > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("start and start + duration must fit pcap's unsigned 32-bit seconds: "
                        + start + " + " + duration);
            }
        }

        private static void share(String what, double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(what + " must be between 0 and 1: " + v);
            }
        }

        /** Zipf 1.0, 64-byte frames, 80% TCP, 10% IPv6, 10% VLAN, seed 1, 60 s from 2025-01-01T00:00:00Z. */
        public static TraceSpec of(long packets, int flows) {
            return new TraceSpec(packets, flows, Popularity.ZIPF, DEFAULT_ZIPF_EXPONENT, FrameSize.FIXED_64, DEFAULT_TCP_SHARE,
                    DEFAULT_IPV6_SHARE, DEFAULT_VLAN_SHARE, DEFAULT_SEED, DEFAULT_START, DEFAULT_DURATION);
        }

        public TraceSpec withPopularity(Popularity p, double exponent) {
            return new TraceSpec(packets, flows, p, exponent, frameSize, tcpShare, ipv6Share, vlanShare, seed, start, duration);
        }

        public TraceSpec withFrameSize(FrameSize f) {
            return new TraceSpec(packets, flows, popularity, zipfExponent, f, tcpShare, ipv6Share, vlanShare, seed, start, duration);
        }

        public TraceSpec withShares(double tcp, double ipv6, double vlan) {
            return new TraceSpec(packets, flows, popularity, zipfExponent, frameSize, tcp, ipv6, vlan, seed, start, duration);
        }

        public TraceSpec withSeed(long s) {
            return new TraceSpec(packets, flows, popularity, zipfExponent, frameSize, tcpShare, ipv6Share, vlanShare, s, start, duration);
        }

        public TraceSpec withTime(Instant s, Duration d) {
            return new TraceSpec(packets, flows, popularity, zipfExponent, frameSize, tcpShare, ipv6Share, vlanShare, seed, s, d);
        }
    }

    /**
     * @param flows distinct flows in the trace ({@code min(packets, flows)})
     * @param fileBytes size of the pcap file
     * @param frameBytes sum of the frame lengths
     */
    public record Result(Path path, long packets, int flows, long fileBytes, long frameBytes, double seconds) {
        public String summary() {
            return String.format(Locale.ROOT, "gen: %d packets, %d flows, %d bytes (%.1f bytes/frame) to %s in %.2f s",
                    packets, flows, fileBytes, (double) frameBytes / packets, path, seconds);
        }
    }

    static final int IMIX_SMALL = 64;
    static final int IMIX_MEDIUM = 576;
    static final int IMIX_LARGE = 1500;
    private static final int MAX_FRAME = IMIX_LARGE;
    private static final int GLOBAL_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;
    private static final int BUFFER_BYTES = 8 << 20;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** Spreads Zipf ranks over flow indexes; a prime above MAX_FLOWS, so coprime with any flow count. */
    private static final long RANK_STRIDE = 1_000_000_007L;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_PSH_ACK = 0x18;
    private static final int TCP_ACK = 0x10;
    private static final int[] TCP_PORTS = {443, 443, 443, 80, 80, 8080, 22, 25, 993, 3306};
    private static final int[] UDP_PORTS = {53, 53, 443, 123, 5060, 1194, 3478, 514, 161, 8125};

    private TraceGenerator() {
    }

    /** Writes the trace to {@code out} (replacing it) and says what it wrote. */
    public static Result generate(TraceSpec spec, Path out) throws IOException {
        long t0 = System.nanoTime();
        Writer w = new Writer(spec);
        long frameBytes;
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            frameBytes = w.write(ch);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long fileBytes = GLOBAL_HEADER_LENGTH + spec.packets() * RECORD_HEADER_LENGTH + frameBytes;
        return new Result(out, spec.packets(), (int) Math.min(spec.packets(), spec.flows()), fileBytes, frameBytes, seconds);
    }

    /** One generation: the random state, the started-flows bitmap and the output buffer. */
    private static final class Writer {
        private final TraceSpec spec;
        private final AliasTable zipf;
        private final long flowSalt;
        private final long[] started;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.BIG_ENDIAN);
        private final byte[] zeros = new byte[MAX_FRAME];
        private long rng;

        Writer(TraceSpec spec) {
            this.spec = spec;
            this.rng = spec.seed();
            this.flowSalt = mix(spec.seed() ^ 0x5DEECE66DL);
            this.zipf = spec.popularity() == Popularity.ZIPF ? AliasTable.zipf(spec.flows(), spec.zipfExponent()) : null;
            this.started = new long[(spec.flows() + 63) >>> 6];
        }

        long write(FileChannel ch) throws IOException {
            writeGlobalHeader();
            long packets = spec.packets();
            int flows = spec.flows();
            long startMicros = spec.start().getEpochSecond() * 1_000_000L + spec.start().getNano() / 1_000;
            long spanMicros = spec.duration().toNanos() / 1_000;
            // timestamp of packet k = start + k * span / (packets - 1), kept exact with a remainder
            long steps = Math.max(1, packets - 1);
            long stepWhole = spanMicros / steps;
            long stepRem = spanMicros % steps;
            long tsMicros = startMicros;
            long tsCarry = 0;
            long frameBytes = 0;
            int nextNew = 0;
            for (long k = 0; k < packets; k++) {
                int flow;
                if (nextNew < flows && (long) nextNew * packets <= k * flows) {
                    flow = nextNew++;
                } else {
                    flow = pickFlow(flows);
                }
                long r = next();
                boolean first = (started[flow >>> 6] & (1L << flow)) == 0;
                boolean reverse = false;
                if (first) {
                    started[flow >>> 6] |= 1L << flow;
                } else {
                    reverse = (int) (((r >>> 32) * 3) >>> 32) == 0; // one in three
                }
                int frameLength = switch (spec.frameSize()) {
                    case FIXED_64 -> IMIX_SMALL;
                    case IMIX -> imix((int) (r & 0xFFFF_FFFFL));
                };
                if (buf.remaining() < RECORD_HEADER_LENGTH + MAX_FRAME + 64) {
                    drain(ch);
                }
                frameBytes += writePacket(flow, first, reverse, frameLength, tsMicros, k);
                tsMicros += stepWhole;
                tsCarry += stepRem;
                if (tsCarry >= steps) {
                    tsCarry -= steps;
                    tsMicros++;
                }
            }
            drain(ch);
            return frameBytes;
        }

        private int pickFlow(int flows) {
            long r = next();
            if (zipf == null) {
                return (int) (((r >>> 32) * flows) >>> 32);
            }
            int rank = zipf.sample(r);
            return (int) ((rank * RANK_STRIDE) % flows);
        }

        private void writeGlobalHeader() {
            buf.putInt(Integer.reverseBytes(0xa1b2c3d4));
            buf.putShort(Short.reverseBytes((short) 2));
            buf.putShort(Short.reverseBytes((short) 4));
            buf.putInt(0); // thiszone
            buf.putInt(0); // sigfigs
            buf.putInt(Integer.reverseBytes(65_535)); // snaplen
            buf.putInt(Integer.reverseBytes(1)); // LINKTYPE_ETHERNET
        }

        /** @return the frame's length */
        private int writePacket(int flow, boolean first, boolean reverse, int wantedLength, long tsMicros, long k) {
            long h = mix(flowSalt + flow * GOLDEN);
            long h2 = mix(h ^ 0xD1B54A32D192ED03L);
            long h3 = mix(h2 ^ 0xABC98388FB8FAC03L);
            boolean v6 = unit(h) < spec.ipv6Share();
            boolean vlan = unit(h2) < spec.vlanShare();
            boolean tcp = unit(h3) < spec.tcpShare();
            int linkLength = vlan ? 18 : 14;
            int ipHeader = v6 ? 40 : 20;
            int l4Header = tcp ? 20 : 8;
            int length = Math.max(wantedLength, linkLength + ipHeader + l4Header);
            int ipLength = length - linkLength;

            // pcap record header, little-endian
            buf.putInt(Integer.reverseBytes((int) (tsMicros / 1_000_000)));
            buf.putInt(Integer.reverseBytes((int) (tsMicros % 1_000_000)));
            buf.putInt(Integer.reverseBytes(length));
            buf.putInt(Integer.reverseBytes(length));
            int frameStart = buf.position();

            // Ethernet: locally administered MACs, 02:00:<flow> for the client and 02:01:<server> for the server
            long clientMac = 0x0200_0000_0000L | (flow & 0xFFFF_FFFFL);
            long serverMac = 0x0201_0000_0000L | (h2 >>> 32);
            putMac(reverse ? clientMac : serverMac);
            putMac(reverse ? serverMac : clientMac);
            if (vlan) {
                buf.putShort((short) 0x8100);
                buf.putShort((short) (1 + (int) ((h3 >>> 40) % 4094))); // PCP 0, DEI 0, VID 1..4094
            }
            buf.putShort((short) (v6 ? 0x86DD : 0x0800));

            int clientTtl = 64 - (int) ((h >>> 20) & 15);
            int serverTtl = 128 - (int) ((h >>> 24) & 15);
            int ttl = reverse ? serverTtl : clientTtl;
            int protocol = tcp ? 6 : 17;
            if (v6) {
                long clientHi = 0xFD00_0000_0000_0000L | (flowSalt >>> 8);
                long clientLo = (mix(flow + GOLDEN) & 0xFFFF_FFFF_FF00_0000L) | flow; // unique: low 24 bits = flow
                long serverHi = 0x2001_0DB8_0000_0000L | (h3 & 0xFFFF_FFFFL);
                long serverLo = h2;
                buf.putInt(0x6000_0000 | (int) (h & 0xF_FFFF)); // version 6, flow label
                buf.putShort((short) (ipLength - 40));
                buf.put((byte) protocol);
                buf.put((byte) ttl);
                buf.putLong(reverse ? serverHi : clientHi);
                buf.putLong(reverse ? serverLo : clientLo);
                buf.putLong(reverse ? clientHi : serverHi);
                buf.putLong(reverse ? clientLo : serverLo);
            } else {
                int client = 0x0A00_0000 | permute24(flow, (int) flowSalt);
                int server = 0xAC10_0000 | (int) (h2 & 0xF_FFFF);
                int src = reverse ? server : client;
                int dst = reverse ? client : server;
                int id = (int) k & 0xFFFF;
                int word0 = 0x4500;
                int flagsFragment = 0x4000; // DF
                int ttlProto = ttl << 8 | protocol;
                long sum = word0 + ipLength + id + flagsFragment + ttlProto
                        + (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF);
                sum = (sum & 0xFFFF) + (sum >>> 16);
                sum = (sum & 0xFFFF) + (sum >>> 16);
                buf.putShort((short) word0);
                buf.putShort((short) ipLength);
                buf.putShort((short) id);
                buf.putShort((short) flagsFragment);
                buf.putShort((short) ttlProto);
                buf.putShort((short) ~sum);
                buf.putInt(src);
                buf.putInt(dst);
            }

            int clientPort = 32_768 + (int) ((h >>> 32) % 28_232); // Linux ephemeral range
            int[] services = tcp ? TCP_PORTS : UDP_PORTS;
            int serverPort = services[(int) ((h3 >>> 8) % services.length)];
            buf.putShort((short) (reverse ? serverPort : clientPort));
            buf.putShort((short) (reverse ? clientPort : serverPort));
            int l4Length = ipLength - ipHeader;
            if (tcp) {
                int flags = first ? TCP_SYN : reverse ? TCP_ACK : TCP_PSH_ACK;
                buf.putInt((int) (reverse ? h2 : h3) + (int) k); // sequence
                buf.putInt(first ? 0 : (int) (reverse ? h3 : h2)); // acknowledgment
                buf.put((byte) 0x50); // data offset 5
                buf.put((byte) flags);
                buf.putShort((short) 0xFFFF); // window
                buf.putInt(0); // checksum, urgent pointer
            } else {
                buf.putShort((short) l4Length);
                buf.putShort((short) 0); // no checksum
            }
            int payload = length - (buf.position() - frameStart);
            buf.put(zeros, 0, payload);
            return length;
        }

        private void putMac(long mac) {
            buf.putShort((short) (mac >>> 32));
            buf.putInt((int) mac);
        }

        private void drain(FileChannel ch) throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }

        /** SplitMix64. */
        private long next() {
            return mix(rng += GOLDEN);
        }
    }

    /** 7:4:1 of 64, 576 and 1500 bytes, from 32 random bits. */
    static int imix(int random32) {
        int twelfth = (int) (((random32 & 0xFFFF_FFFFL) * 12) >>> 32);
        return twelfth < 7 ? IMIX_SMALL : twelfth < 11 ? IMIX_MEDIUM : IMIX_LARGE;
    }

    /** A bijection of [0, 2^24): distinct flows get distinct client addresses, in no visible order. */
    static int permute24(int x, int salt) {
        final int mask = 0xFF_FFFF;
        x = (x * 0x9E3779) & mask; // odd multiplier: invertible mod 2^24
        x ^= x >>> 12;
        x = (x * 0x5BD1E5) & mask;
        x ^= x >>> 11;
        return (x ^ salt) & mask;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /**
     * Vose's alias method: after O(n) set-up, draws index i with probability weight[i] / sum in O(1) from one
     * 64-bit random value (high 32 bits pick the column, low 32 bits the coin).
     */
    static final class AliasTable {
        private final int n;
        /** Coin threshold of each column, scaled to 2^32. */
        private final long[] threshold;
        private final int[] alias;

        private AliasTable(double[] weight) {
            n = weight.length;
            threshold = new long[n];
            alias = new int[n];
            double sum = 0;
            for (double w : weight) {
                sum += w;
            }
            double[] scaled = new double[n];
            int[] small = new int[n];
            int[] large = new int[n];
            int ns = 0;
            int nl = 0;
            for (int i = 0; i < n; i++) {
                scaled[i] = weight[i] * n / sum;
                if (scaled[i] < 1.0) {
                    small[ns++] = i;
                } else {
                    large[nl++] = i;
                }
            }
            while (ns > 0 && nl > 0) {
                int s = small[--ns];
                int l = large[nl - 1];
                threshold[s] = (long) (scaled[s] * 0x1.0p32);
                alias[s] = l;
                scaled[l] = (scaled[l] + scaled[s]) - 1.0;
                if (scaled[l] < 1.0) {
                    nl--;
                    small[ns++] = l;
                }
            }
            while (nl > 0) {
                int l = large[--nl];
                threshold[l] = 1L << 32;
                alias[l] = l;
            }
            while (ns > 0) { // rounding leftovers: probability ~1
                int s = small[--ns];
                threshold[s] = 1L << 32;
                alias[s] = s;
            }
        }

        static AliasTable zipf(int n, double exponent) {
            double[] w = new double[n];
            for (int r = 0; r < n; r++) {
                w[r] = exponent == 1.0 ? 1.0 / (r + 1) : 1.0 / StrictMath.pow(r + 1, exponent);
            }
            return new AliasTable(w);
        }

        int sample(long random) {
            int column = (int) (((random >>> 32) * n) >>> 32);
            return (random & 0xFFFF_FFFFL) < threshold[column] ? column : alias[column];
        }
    }
}
