package io.tapflow.agent.meter;

import static io.tapflow.agent.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.decode.DecodedPacket;
import io.tapflow.agent.decode.MalformedReason;
import io.tapflow.agent.decode.PacketDecoder;
import io.tapflow.agent.export.FlowSink;
import io.tapflow.agent.flow.FlowTable;
import io.tapflow.agent.source.CaptureFiles;
import io.tapflow.agent.source.CaptureFormatException;
import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.LinkType;
import io.tapflow.agent.source.PacketSource;
import io.tapflow.agent.testing.CollectingSink;
import io.tapflow.agent.testing.Metering;
import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.EndReason;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is counted, never thrown: every real capture, then a million random and mutated frames, go through the meter,
 * and every frame ends up either in exactly one flow record or in the notIp / malformed counters.
 */
class BadInputTest {

    static Stream<Path> captures() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : new String[] {"pcap", "pcap-extra"}) {
            try (Stream<Path> s = Files.list(TestData.root().resolve(sub))) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        assertThat(files).hasSizeGreaterThan(40);
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyFrameOfARealCaptureIsInAFlowOrCountedAsSkipped(Path file) {
        Metering.Run run = Metering.run(MeterSettings.defaults(), file);
        MeterCounters c = run.meter().counters();
        long inFlows = run.sink().flows.stream().mapToLong(CollectingSink.Flow::packets).sum();
        System.out.printf("%s: %d frames, %d in %d flows, %d not IP, %d malformed, errors %s%n", file.getFileName(), c.packets,
                inFlows, run.sink().flows.size(), c.notIp, c.malformedTotal(), run.result().errors());
        assertThat(c.packets).as("frames read").isEqualTo(run.result().frames()).isPositive();
        assertThat(c.packets).as("packets == flows' packets + notIp + malformed").isEqualTo(inFlows + c.notIp + c.malformedTotal());
        assertThat(run.sink().flows).allSatisfy(f -> assertThat(f.packets()).isPositive());
        assertThat(run.meter().table().size()).isZero();
    }

    // ---------------------------------------------------------------- fuzzing

    private static final int[] LINK_TYPES = {LinkType.NULL, LinkType.ETHERNET, LinkType.PPP, LinkType.RAW_OPENBSD,
            LinkType.RAW_BSDOS, LinkType.PPP_HDLC, LinkType.RAW, LinkType.C_HDLC, LinkType.LOOP, LinkType.LINUX_SLL,
            LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2, 127 /* radiotap: not supported */};

    private static final int[] SPECIAL_U16 = {0, 1, 4, 7, 8, 12, 19, 20, 21, 39, 40, 41, 59, 60, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF};
    private static final int[] SPECIAL_U8 = {0x00, 0x01, 0x04, 0x06, 0x11, 0x29, 0x2F, 0x3A, 0x40, 0x44, 0x45, 0x46, 0x4F, 0x60,
            0x6F, 0x80, 0xFF};

    record Sample(byte[] bytes, int linkType) {
    }

    /** Every frame of every bundled capture, plus hand-built frames for the tunnels and link types the captures lack. */
    private static List<Sample> corpus() throws IOException {
        List<Sample> corpus = new ArrayList<>();
        FrameBatch batch = new FrameBatch();
        for (Path file : captures().toList()) {
            try (PacketSource source = CaptureFiles.open(file)) {
                int n;
                while (true) {
                    try {
                        n = source.nextBatch(batch);
                    } catch (CaptureFormatException e) {
                        continue;
                    }
                    if (n == 0) {
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        corpus.add(new Sample(batch.data().asSlice(batch.offset(i), batch.capturedLength(i)).toArray(ValueLayout.JAVA_BYTE),
                                batch.linkType(i)));
                    }
                }
            } catch (CaptureFormatException e) {
                // a capture that does not open adds nothing
            }
        }
        byte[] hello = "payload".getBytes();
        byte[] tcp4 = ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", tcp(1234, 80, ACK, hello));
        byte[] udp6 = ipv6(0, "2001:db8::1", "2001:db8::2", ipv6Options(44, ipv6Fragment(PROTO_UDP, 0, true, 7, udp(1, 2, hello))));
        byte[] inner = ethernet(ETHERTYPE_IPV4, tcp4);
        byte[][] ether = {
                ethernet(ETHERTYPE_QINQ, vlanTag(1, ETHERTYPE_VLAN, vlanTag(2, ETHERTYPE_IPV4, tcp4))),
                ethernet(ETHERTYPE_MPLS, mpls(5, false, mpls(6, true, cat(new byte[4], inner)))),
                ethernet(ETHERTYPE_PPPOE, pppoe(0x0021, tcp4)),
                ethernet(ETHERTYPE_IPV6, udp6),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_GRE, "1.1.1.1", "2.2.2.2", greWithKey(ETHERTYPE_TEB, 9, inner))),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_GRE, "1.1.1.1", "2.2.2.2", grePptp(3, 4, cat(new byte[] {(byte) 0xFF, 3, 0, 0x21}, tcp4)))),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "1.1.1.1", "2.2.2.2", udp(4789, 4789, vxlan(1, inner)))),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "1.1.1.1", "2.2.2.2", udp(2152, 2152, gtpuWithExtension(1, tcp4)))),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_IPIP, "1.1.1.1", "2.2.2.2", ipv4(PROTO_IPIP, "3.3.3.3", "4.4.4.4", tcp4))),
                ethernet(ETHERTYPE_IPV6, ipv6(PROTO_IPIP, "2001:db8::1", "2001:db8::2", tcp4)),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_IPV6, "1.1.1.1", "2.2.2.2", udp6)),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_SCTP, "1.1.1.1", "2.2.2.2", sctp(1, 2, new byte[16]))),
        };
        for (byte[] f : ether) {
            corpus.add(new Sample(f, LinkType.ETHERNET));
        }
        corpus.add(new Sample(sll(ETHERTYPE_IPV4, tcp4), LinkType.LINUX_SLL));
        corpus.add(new Sample(sll2(ETHERTYPE_IPV6, udp6), LinkType.LINUX_SLL2));
        corpus.add(new Sample(loopback(2, true, tcp4), LinkType.NULL));
        corpus.add(new Sample(loopback(30, false, udp6), LinkType.LOOP));
        corpus.add(new Sample(cat(new byte[] {(byte) 0xFF, 3, 0, 0x21}, tcp4), LinkType.PPP));
        corpus.add(new Sample(cat(new byte[] {0x0F, 0, (byte) 0x86, (byte) 0xDD}, udp6), LinkType.C_HDLC));
        corpus.add(new Sample(tcp4, LinkType.RAW));
        // stacks at and just past their limits: 8 and 9 VLAN tags, 16 and 17 MPLS labels, 4 and 5 nested IP-in-IP
        for (int extra = 0; extra < 2; extra++) {
            byte[] tags = tcp4;
            for (int i = 0; i < 8 + extra; i++) {
                tags = vlanTag(i + 1, i == 0 ? ETHERTYPE_IPV4 : ETHERTYPE_VLAN, tags);
            }
            corpus.add(new Sample(ethernet(ETHERTYPE_VLAN, tags), LinkType.ETHERNET));
            byte[] labels = tcp4;
            for (int i = 0; i < 16 + extra; i++) {
                labels = mpls(100 + i, i == 0 && extra == 0, labels);
            }
            corpus.add(new Sample(ethernet(ETHERTYPE_MPLS, labels), LinkType.ETHERNET));
            byte[] nested = tcp4;
            for (int i = 0; i < 4 + extra; i++) {
                nested = ipv4(PROTO_IPIP, "10.9.0." + i, "10.9.1." + i, nested);
            }
            corpus.add(new Sample(nested, LinkType.RAW));
        }
        return corpus;
    }

    /** Makes one frame into {@code out}; returns its length and leaves its link type in {@code link[0]}. */
    private static int mutate(Random r, List<Sample> corpus, byte[] out, int[] link) {
        Sample base = corpus.get(r.nextInt(corpus.size()));
        int len = Math.min(base.bytes().length, out.length);
        System.arraycopy(base.bytes(), 0, out, 0, len);
        link[0] = base.linkType();
        int kind = r.nextInt(100);
        if (kind < 8) { // noise
            len = r.nextInt(8) == 0 ? r.nextInt(2000) : r.nextInt(120);
            for (int i = 0; i < len; i++) {
                out[i] = (byte) r.nextInt(256);
            }
            link[0] = LINK_TYPES[r.nextInt(LINK_TYPES.length)];
            return len;
        }
        int rounds = kind < 85 ? 1 : 2 + r.nextInt(3);
        for (int round = 0; round < rounds; round++) {
            int m = r.nextInt(6);
            int head = Math.max(1, Math.min(len, 96)); // most header fields live here
            switch (m) {
                case 0 -> { // bit flips, mostly in the headers
                    int flips = 1 + r.nextInt(8);
                    for (int i = 0; i < flips && len > 0; i++) {
                        int at = r.nextInt(4) == 0 ? r.nextInt(len) : r.nextInt(Math.min(head, len));
                        out[at] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> len = len == 0 ? 0 : r.nextInt(len + 1); // truncation
                case 2 -> { // a length-like 16-bit field gets a boundary or random value
                    if (len >= 2) {
                        int at = r.nextInt(Math.max(1, Math.min(head, len) - 1));
                        int v = r.nextBoolean() ? SPECIAL_U16[r.nextInt(SPECIAL_U16.length)] : r.nextInt(65536);
                        out[at] = (byte) (v >>> 8);
                        out[at + 1] = (byte) v;
                    }
                }
                case 3 -> { // a version/IHL/protocol-like byte
                    if (len >= 1) {
                        out[r.nextInt(Math.min(head, len))] = (byte) SPECIAL_U8[r.nextInt(SPECIAL_U8.length)];
                    }
                }
                case 4 -> link[0] = LINK_TYPES[r.nextInt(LINK_TYPES.length)]; // the same bytes under another link type
                default -> { // splice: this frame's head, another frame's tail
                    Sample other = corpus.get(r.nextInt(corpus.size()));
                    int cut = r.nextInt(len + 1);
                    int from = r.nextInt(other.bytes().length + 1);
                    int tail = Math.min(other.bytes().length - from, out.length - cut);
                    System.arraycopy(other.bytes(), from, out, cut, tail);
                    len = cut + tail;
                }
            }
        }
        return len;
    }

    /** Sums what the meter emits and reads every sampled payload, so a sample pointing outside memory would throw. */
    static final class CountingSink implements FlowSink {
        long flows;
        long packets;
        long samples;
        long sampledBytes;

        @Override
        public void flow(FlowTable t, int slot, EndReason reason) {
            long p = t.packetsFwd(slot) + t.packetsRev(slot);
            if (p <= 0) {
                throw new AssertionError("flow record with " + p + " packets, reason " + reason);
            }
            flows++;
            packets += p;
        }

        @Override
        public void sample(FlowTable t, int slot, int direction, int packetIndex, long tsNs, MemorySegment data,
                           long payloadOffset, int capturedBytes, int payloadLength, MatchedIds signatures) {
            if (capturedBytes <= 0 || capturedBytes > payloadLength) {
                throw new AssertionError("sample of " + capturedBytes + " bytes of a " + payloadLength + "-byte payload");
            }
            MemorySegment s = data.asSlice(payloadOffset, capturedBytes);
            sampledBytes += s.get(ValueLayout.JAVA_BYTE, capturedBytes - 1) & 0xFF;
            samples++;
        }

        @Override
        public void stats(AgentStats stats) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aMillionRandomAndMutatedFramesAreAllAccountedFor() throws IOException {
        long seed = Long.getLong("tapflow.fuzz.seed", System.nanoTime());
        int total = Integer.getInteger("tapflow.fuzz.frames", 1_000_000);
        System.out.println("BadInputTest fuzz seed=" + seed + " frames=" + total + " (rerun: -Dtapflow.fuzz.seed=" + seed + ")");
        List<Sample> corpus = corpus();
        Random r = new Random(seed);
        // Small table, so eviction runs too; sampling on, so payload bounds are exercised.
        MeterSettings settings = new MeterSettings(8192, 30_000_000_000L, 120_000_000_000L, 10_000_000_000L, 2_000_000_000L,
                4, 256, 4096);
        CountingSink sink = new CountingSink();
        Meter meter = new Meter(settings, sink, (m, ts, last) -> { });
        PacketDecoder oracle = new PacketDecoder();
        DecodedPacket a = new DecodedPacket();
        DecodedPacket b = new DecodedPacket();
        long[] expectedMalformed = new long[MalformedReason.values().length];
        long expectedNotIp = 0;
        long expectedOk = 0;

        byte[] frame = new byte[70_000];
        int[] link = new int[1];
        FrameBatch batch = new FrameBatch(1024);
        long ts = 1_700_000_000_000_000_000L;
        long started = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(8 << 20);
            int done = 0;
            while (done < total) {
                batch.reset(memory);
                long pos = 0;
                while (!batch.isFull() && done < total) {
                    int len = mutate(r, corpus, frame, link);
                    if (pos + len > memory.byteSize()) {
                        break;
                    }
                    MemorySegment.copy(frame, 0, memory, ValueLayout.JAVA_BYTE, pos, len);
                    int roll = r.nextInt(100_000);
                    ts += r.nextInt(2_000_000);
                    if (roll < 5) {
                        ts += 200_000_000_000L; // a long silence: everything idles out
                    } else if (roll < 15) {
                        ts -= 5_000_000_000L;   // reordered input: time goes back
                    }
                    long frameTs = roll >= 99_900 ? Long.MIN_VALUE : ts; // a frame without a time of its own
                    int wire = len + (r.nextInt(4) == 0 ? r.nextInt(1500) : 0);
                    batch.add(pos, len, wire, frameTs, link[0]);

                    // The oracle decodes the frame twice: in place, and alone in a segment that ends where it ends, so
                    // any read past the frame throws, and any dependence on the bytes around it shows as a difference.
                    int inPlace = oracle.decode(memory, pos, len, link[0], a);
                    int alone;
                    try {
                        alone = oracle.decode(memory.asSlice(pos, len), 0, len, link[0], b);
                    } catch (RuntimeException e) {
                        throw new AssertionError(describe(seed, done, link[0], frame, len) + ": decoder read outside the frame", e);
                    }
                    if (inPlace != alone || (inPlace == PacketDecoder.OK && !sameFlow(a, b, pos))) {
                        throw new AssertionError(describe(seed, done, link[0], frame, len) + ": decoding depends on bytes outside the frame");
                    }
                    if (inPlace == PacketDecoder.OK) {
                        expectedOk++;
                        if (a.payloadCaptured > 0 && (a.payloadOffset < pos || a.payloadOffset + a.payloadCaptured > pos + len)) {
                            throw new AssertionError(describe(seed, done, link[0], frame, len) + ": payload " + (a.payloadOffset - pos)
                                    + "+" + a.payloadCaptured + " outside the frame");
                        }
                        if (a.payloadCaptured > a.payloadLength || a.payloadLength < 0) {
                            throw new AssertionError(describe(seed, done, link[0], frame, len) + ": captured payload "
                                    + a.payloadCaptured + " > payload " + a.payloadLength);
                        }
                    } else if (inPlace == PacketDecoder.NOT_IP) {
                        expectedNotIp++;
                    } else {
                        expectedMalformed[inPlace]++;
                    }
                    pos += len;
                    done++;
                }
                try {
                    meter.process(batch);
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ": the meter threw on the batch ending at frame " + done, e);
                }
                assertThat(meter.table().size()).isLessThanOrEqualTo(settings.flowCapacity());
            }
            meter.finish(EndReason.END_OF_INPUT);
        }
        MeterCounters c = meter.counters();
        System.out.printf("BadInputTest fuzz: %d frames in %d ms: %d in %d flows (%d evicted), %d not IP, %d malformed %s, %d samples%n",
                c.packets, (System.nanoTime() - started) / 1_000_000, sink.packets, sink.flows, meter.table().evicted(), c.notIp,
                c.malformedTotal(), Arrays.toString(c.malformed), sink.samples);
        assertThat(c.packets).as("seed %d", seed).isEqualTo(total);
        assertThat(c.packets).as("seed %d: packets == flows' packets + notIp + malformed", seed)
                .isEqualTo(sink.packets + c.notIp + c.malformedTotal());
        assertThat(sink.packets).as("seed %d: packets in flows == frames the decoder accepted", seed).isEqualTo(expectedOk);
        assertThat(c.notIp).as("seed %d", seed).isEqualTo(expectedNotIp);
        assertThat(c.malformed).as("seed %d", seed).isEqualTo(expectedMalformed);
        assertThat(c.flowsExported).isEqualTo(sink.flows);
        assertThat(meter.table().size()).isZero();
        // the mix must reach every outcome, or the fuzzer is not doing its job
        assertThat(c.malformed).as("every malformed reason seen, seed %d", seed).doesNotContain(0L);
        assertThat(meter.table().evicted()).isPositive();
        assertThat(sink.samples).isPositive();
    }

    private static boolean sameFlow(DecodedPacket x, DecodedPacket y, long shift) {
        return x.srcHi == y.srcHi && x.srcLo == y.srcLo && x.dstHi == y.dstHi && x.dstLo == y.dstLo && x.srcPort == y.srcPort
                && x.dstPort == y.dstPort && x.protocol == y.protocol && x.tcpFlags == y.tcpFlags && x.tunnelType == y.tunnelType
                && x.vlanOuter == y.vlanOuter && x.vlanInner == y.vlanInner && x.mplsLabel == y.mplsLabel
                && x.fragment == y.fragment && x.laterFragment == y.laterFragment && x.fragmentId == y.fragmentId
                && x.payloadLength == y.payloadLength && x.payloadCaptured == y.payloadCaptured
                && (x.payloadCaptured == 0 || x.payloadOffset - shift == y.payloadOffset);
    }

    private static String describe(long seed, int index, int linkType, byte[] frame, int len) {
        return "seed " + seed + ", frame " + index + ", link type " + linkType + ", " + len + " bytes: "
                + HexFormat.of().formatHex(frame, 0, Math.min(len, 256));
    }
}
