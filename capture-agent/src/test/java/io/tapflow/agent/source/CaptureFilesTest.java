package io.tapflow.agent.source;

import static io.tapflow.agent.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.agent.testing.Metering;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pcap and pcapng files written byte by byte into a temporary directory, then read back through {@link CaptureFiles}. */
class CaptureFilesTest {
    @TempDir
    Path dir;

    private static final byte[] F1 = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", tcp(1000, 80, SYN, new byte[0])));
    private static final byte[] F2 = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.0.0.3", "10.0.0.4", udp(53, 5353, filled(33, 7))));
    private static final byte[] F3 = ethernet(ETHERTYPE_ARP, filled(28, 1));
    private static final byte[] RAW4 = ipv4(PROTO_ICMP, "192.0.2.1", "192.0.2.2", icmpEcho(8, filled(5, 9)));

    record Frame(byte[] bytes, int wire, long tsNanos, int linkType) {
    }

    record Drained(List<Frame> frames, List<CaptureFormatException> errors) {
    }

    /** Reads a source to the end the way {@link io.tapflow.agent.meter.CaptureReplay} does, but keeps going after errors. */
    private static Drained drain(Path file, int batchCapacity) {
        List<Frame> frames = new ArrayList<>();
        List<CaptureFormatException> errors = new ArrayList<>();
        FrameBatch batch = new FrameBatch(batchCapacity);
        try (PacketSource source = CaptureFiles.open(file)) {
            assertThat(source.name()).isEqualTo(file.toString());
            for (int calls = 0; calls < 10_000; calls++) {
                int n;
                try {
                    n = source.nextBatch(batch);
                } catch (CaptureFormatException e) {
                    errors.add(e);
                    continue;
                }
                if (n == 0) {
                    return new Drained(frames, errors);
                }
                assertThat(n).isEqualTo(batch.count());
                for (int i = 0; i < n; i++) {
                    byte[] b = batch.data().asSlice(batch.offset(i), batch.capturedLength(i)).toArray(ValueLayout.JAVA_BYTE);
                    frames.add(new Frame(b, batch.wireLength(i), batch.timestampNanos(i), batch.linkType(i)));
                }
            }
        }
        throw new AssertionError("source never reported its end");
    }

    private static Drained drain(Path file) {
        return drain(file, FrameBatch.DEFAULT_CAPACITY);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    // ---------------------------------------------------------------- pcap writer

    record Rec(long seconds, long fraction, byte[] frame, int wire) {
        Rec(long seconds, long fraction, byte[] frame) {
            this(seconds, fraction, frame, frame.length);
        }
    }

    private static byte[] pcap(ByteOrder order, boolean nanos, int linkType, Rec... records) {
        int size = 24;
        for (Rec r : records) {
            size += 16 + r.frame().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(linkType);
        for (Rec r : records) {
            b.putInt((int) r.seconds()).putInt((int) r.fraction()).putInt(r.frame().length).putInt(r.wire()).put(r.frame());
        }
        return b.array();
    }

    // ---------------------------------------------------------------- pcapng writer

    private static final class Ng {
        private final ByteOrder order;
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private final List<Integer> blockOffsets = new ArrayList<>();

        Ng(ByteOrder order) {
            this.order = order;
            section(order);
        }

        Ng section(ByteOrder o) {
            ByteBuffer body = ByteBuffer.allocate(16).order(o);
            body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
            return block(0x0A0D0D0A, body.array(), o);
        }

        Ng block(int type, byte[] body) {
            return block(type, body, order);
        }

        private Ng block(int type, byte[] body, ByteOrder o) {
            int padded = (body.length + 3) & ~3;
            int total = 12 + padded;
            ByteBuffer b = ByteBuffer.allocate(total).order(o);
            b.putInt(type).putInt(total).put(body).position(8 + padded);
            b.putInt(total);
            blockOffsets.add(out.size());
            out.writeBytes(b.array());
            return this;
        }

        static byte[] option(ByteOrder o, int code, byte[] value) {
            ByteBuffer b = ByteBuffer.allocate(4 + ((value.length + 3) & ~3)).order(o);
            b.putShort((short) code).putShort((short) value.length).put(value);
            return b.array();
        }

        Ng interfaceBlock(int linkType, int snaplen, byte[]... options) {
            ByteBuffer b = ByteBuffer.allocate(8).order(order);
            b.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            byte[] body = b.array();
            if (options.length > 0) {
                body = cat(body, cat(options), option(order, 0, new byte[0]));
            }
            return block(1, body);
        }

        Ng enhanced(int iface, long ts, byte[] frame, int wire) {
            ByteBuffer b = ByteBuffer.allocate(20 + ((frame.length + 3) & ~3)).order(order);
            b.putInt(iface).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(frame.length).putInt(wire).put(frame);
            return block(6, b.array());
        }

        Ng simple(byte[] frame) {
            ByteBuffer b = ByteBuffer.allocate(4 + ((frame.length + 3) & ~3)).order(order);
            b.putInt(frame.length).put(frame);
            return block(3, b.array());
        }

        int blockOffset(int i) {
            return blockOffsets.get(i);
        }

        byte[] build() {
            return out.toByteArray();
        }
    }

    private static byte[] tsresol(ByteOrder o, int value) {
        return Ng.option(o, 9, new byte[] {(byte) value});
    }

    // ---------------------------------------------------------------- pcap

    @Test
    void pcapMicroseconds() throws IOException {
        Path file = write("micros.pcap", pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET,
                new Rec(1_700_000_000L, 123_456, F1), new Rec(1_700_000_001L, 999_999, F2, 1514), new Rec(1_700_000_002L, 0, F3)));
        Drained d = drain(file);
        assertThat(d.errors()).isEmpty();
        assertThat(d.frames()).hasSize(3);
        assertThat(d.frames().get(0).bytes()).isEqualTo(F1);
        assertThat(d.frames().get(0).tsNanos()).isEqualTo(1_700_000_000_123_456_000L);
        assertThat(d.frames().get(0).linkType()).isEqualTo(LinkType.ETHERNET);
        assertThat(d.frames().get(1).bytes()).isEqualTo(F2);
        assertThat(d.frames().get(1).wire()).isEqualTo(1514);
        assertThat(d.frames().get(1).tsNanos()).isEqualTo(1_700_000_001_999_999_000L);
        assertThat(d.frames().get(2).bytes()).isEqualTo(F3);
    }

    @Test
    void pcapNanoseconds() throws IOException {
        Path file = write("nanos.pcap", pcap(ByteOrder.LITTLE_ENDIAN, true, LinkType.RAW,
                new Rec(1_600_000_000L, 123_456_789, RAW4), new Rec(1_600_000_000L, 999_999_999, RAW4)));
        Drained d = drain(file);
        assertThat(d.errors()).isEmpty();
        assertThat(d.frames()).extracting(Frame::tsNanos).containsExactly(1_600_000_000_123_456_789L, 1_600_000_000_999_999_999L);
        assertThat(d.frames()).extracting(Frame::linkType).containsOnly(LinkType.RAW);
    }

    @Test
    void pcapBigEndian() throws IOException {
        for (boolean nanos : new boolean[] {false, true}) {
            Path file = write("be-" + nanos + ".pcap", pcap(ByteOrder.BIG_ENDIAN, nanos, LinkType.LINUX_SLL,
                    new Rec(3_000_000_000L, 500, sll(ETHERTYPE_IPV4, RAW4), 200)));
            Drained d = drain(file);
            assertThat(d.errors()).isEmpty();
            assertThat(d.frames()).hasSize(1);
            Frame f = d.frames().get(0);
            assertThat(f.bytes()).isEqualTo(sll(ETHERTYPE_IPV4, RAW4));
            assertThat(f.linkType()).isEqualTo(LinkType.LINUX_SLL);
            assertThat(f.wire()).isEqualTo(200);
            // seconds above 2^31 are unsigned
            assertThat(f.tsNanos()).isEqualTo(3_000_000_000_000_000_000L + (nanos ? 500 : 500_000));
        }
    }

    @Test
    void pcapWithOnlyTheGlobalHeaderIsEmptyNotBroken() throws IOException {
        Drained d = drain(write("header-only.pcap", pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET)));
        assertThat(d.frames()).isEmpty();
        assertThat(d.errors()).isEmpty();
    }

    @Test
    void pcapTruncatedMidRecordGivesOneErrorAfterTheGoodFrames() throws IOException {
        byte[] whole = pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, new Rec(1, 0, F1), new Rec(2, 0, F2), new Rec(3, 0, F3));
        long thirdRecord = 24 + 16 + F1.length + 16 + F2.length;
        for (int cut : new int[] {(int) thirdRecord + 16 + 5, (int) thirdRecord + 7}) { // inside the frame, inside the header
            Path file = write("cut-" + cut + ".pcap", Arrays.copyOf(whole, cut));
            for (int capacity : new int[] {FrameBatch.DEFAULT_CAPACITY, 2, 1}) {
                Drained d = drain(file, capacity);
                assertThat(d.frames()).as("batch capacity %d", capacity).extracting(Frame::bytes).containsExactly(F1, F2);
                assertThat(d.errors()).as("batch capacity %d", capacity).hasSize(1);
                assertThat(d.errors().get(0).getMessage()).contains(file.toString()).contains("truncated")
                        .contains("record 3").contains("byte offset " + thirdRecord);
            }
        }
    }

    @Test
    void pcapCorruptRecordLength() throws IOException {
        byte[] bytes = pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, new Rec(1, 0, F1), new Rec(2, 0, F2));
        int secondRecord = 24 + 16 + F1.length;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(secondRecord + 8, 0x7FFF_0000);
        Path file = write("corrupt.pcap", bytes);
        Drained d = drain(file);
        assertThat(d.frames()).extracting(Frame::bytes).containsExactly(F1);
        assertThat(d.errors()).hasSize(1);
        assertThat(d.errors().get(0).getMessage()).contains(file.toString()).contains("byte offset " + secondRecord)
                .contains(Integer.toString(0x7FFF_0000));
    }

    @Test
    void pcapTruncatedGlobalHeaderAndUnsupportedLinkType() throws IOException {
        byte[] whole = pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, new Rec(1, 0, F1));
        Path shortHeader = write("short.pcap", Arrays.copyOf(whole, 20));
        assertThatThrownBy(() -> CaptureFiles.open(shortHeader)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining(shortHeader.toString()).hasMessageContaining("20 of 24");
        Path radiotap = write("radiotap.pcap", pcap(ByteOrder.LITTLE_ENDIAN, false, 127, new Rec(1, 0, F1)));
        assertThatThrownBy(() -> CaptureFiles.open(radiotap)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining(radiotap.toString()).hasMessageContaining("unsupported link type 127");
    }

    // ---------------------------------------------------------------- pcapng

    @Test
    void pcapngTwoInterfacesOfDifferentLinkTypesAndResolutions() throws IOException {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        byte[] sllFrame = sll(ETHERTYPE_IPV4, RAW4);
        Ng ng = new Ng(le)
                .interfaceBlock(LinkType.ETHERNET, 0, Ng.option(le, 2, "eth0".getBytes()))            // if 0: default µs
                .interfaceBlock(LinkType.LINUX_SLL, 262_144, Ng.option(le, 2, "any".getBytes()), tsresol(le, 9)) // if 1: ns
                .enhanced(1, 1_700_000_000_123_456_789L, sllFrame, 1500)
                .block(5, new byte[16])                                                            // statistics: skipped
                .enhanced(0, 1_700_000_000_654_321L, F1, F1.length)
                .block(0x0BAD, new byte[3])                                                        // custom/unknown: skipped
                .simple(F2);
        Path file = write("two-ifaces.pcapng", ng.build());
        Drained d = drain(file);
        assertThat(d.errors()).isEmpty();
        assertThat(d.frames()).hasSize(3);
        Frame a = d.frames().get(0);
        assertThat(a.bytes()).isEqualTo(sllFrame);
        assertThat(a.linkType()).isEqualTo(LinkType.LINUX_SLL);
        assertThat(a.tsNanos()).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(a.wire()).isEqualTo(1500);
        Frame b = d.frames().get(1);
        assertThat(b.bytes()).isEqualTo(F1);
        assertThat(b.linkType()).isEqualTo(LinkType.ETHERNET);
        assertThat(b.tsNanos()).isEqualTo(1_700_000_000_654_321_000L);
        Frame c = d.frames().get(2);
        assertThat(c.bytes()).as("simple packet block").isEqualTo(F2);
        assertThat(c.linkType()).isEqualTo(LinkType.ETHERNET);
        assertThat(c.tsNanos()).as("simple packet blocks carry no time").isEqualTo(Long.MIN_VALUE);

        // the meter gives the timeless frame the previous frame's time, and meters all three
        var run = Metering.run(MeterSettings.defaults(), file);
        assertThat(run.result().errors()).isEmpty();
        assertThat(run.meter().counters().packets).isEqualTo(3);
        assertThat(run.sink().flows).hasSize(3);
    }

    @Test
    void pcapngInterfaceOfAnUnsupportedLinkTypeIsCountedNotFatal() throws IOException {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        Ng ng = new Ng(le)
                .interfaceBlock(127, 0)            // radiotap: not decoded
                .interfaceBlock(LinkType.ETHERNET, 0)
                .enhanced(0, 1_700_000_000_000_000L, new byte[] {0, 0, 8, 0, 0, 0, 0, 0}, 8)
                .enhanced(1, 1_700_000_000_000_001L, F1, F1.length);
        Path file = write("radiotap-and-ethernet.pcapng", ng.build());
        var run = Metering.run(MeterSettings.defaults(), file);
        assertThat(run.result().errors()).isEmpty();
        assertThat(run.meter().counters().packets).isEqualTo(2);
        assertThat(run.meter().counters().notIp).as("the radiotap frame, counted as unsupported").isEqualTo(1);
        assertThat(run.sink().flows).hasSize(1);
    }

    @Test
    void pcapngBinaryResolutionOffsetAndABigEndianSectionThenALittleEndianOne() throws IOException {
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        byte[] offset = ByteBuffer.allocate(8).order(be).putLong(100).array();
        Ng ng = new Ng(be)
                .interfaceBlock(LinkType.RAW, 0, tsresol(be, 0x80 | 10), Ng.option(be, 14, offset)) // 2^-10 s, +100 s
                .enhanced(0, 5L * 1024 + 512, RAW4, RAW4.length);                                    // 5.5 s
        byte[] first = ng.build();
        Ng second = new Ng(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, tsresol(ByteOrder.LITTLE_ENDIAN, 3))           // ms, ids restart at 0
                .enhanced(0, 42, F3, F3.length);
        Path file = write("sections.pcapng", cat(first, second.build()));
        Drained d = drain(file);
        assertThat(d.errors()).isEmpty();
        assertThat(d.frames()).hasSize(2);
        assertThat(d.frames().get(0).bytes()).isEqualTo(RAW4);
        assertThat(d.frames().get(0).linkType()).isEqualTo(LinkType.RAW);
        assertThat(d.frames().get(0).tsNanos()).isEqualTo(105_500_000_000L);
        assertThat(d.frames().get(1).bytes()).isEqualTo(F3);
        assertThat(d.frames().get(1).linkType()).isEqualTo(LinkType.ETHERNET);
        assertThat(d.frames().get(1).tsNanos()).isEqualTo(42_000_000L);
    }

    @Test
    void pcapngWholeSecondResolutionInEitherNotation() throws IOException {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        // if_tsresol 0 is 10^0 and 0x80 is 2^0: both one unit per second, both legal
        Ng ng = new Ng(le).interfaceBlock(LinkType.RAW, 0, tsresol(le, 0)).interfaceBlock(LinkType.RAW, 0, tsresol(le, 0x80))
                .enhanced(0, 1_700_000_000L, RAW4, RAW4.length).enhanced(1, 1_700_000_001L, RAW4, RAW4.length);
        Drained d = drain(write("seconds.pcapng", ng.build()));
        assertThat(d.errors()).isEmpty();
        assertThat(d.frames()).extracting(Frame::tsNanos).containsExactly(1_700_000_000_000_000_000L, 1_700_000_001_000_000_000L);
    }

    @Test
    void pcapngTruncatedMidBlockGivesOneErrorAfterTheGoodFrames() throws IOException {
        Ng ng = new Ng(ByteOrder.LITTLE_ENDIAN).interfaceBlock(LinkType.ETHERNET, 0)
                .enhanced(0, 1, F1, F1.length).enhanced(0, 2, F2, F2.length).enhanced(0, 3, F3, F3.length);
        byte[] whole = ng.build();
        int lastBlock = ng.blockOffset(4);
        for (int cut : new int[] {lastBlock + 40, lastBlock + 6}) {
            Path file = write("cut-" + cut + ".pcapng", Arrays.copyOf(whole, cut));
            for (int capacity : new int[] {FrameBatch.DEFAULT_CAPACITY, 1}) {
                Drained d = drain(file, capacity);
                assertThat(d.frames()).extracting(Frame::bytes).containsExactly(F1, F2);
                assertThat(d.errors()).hasSize(1);
                assertThat(d.errors().get(0).getMessage()).contains(file.toString()).contains("truncated")
                        .contains("byte offset " + lastBlock);
            }
        }
    }

    @Test
    void pcapngPacketForAnUndeclaredInterface() throws IOException {
        Ng ng = new Ng(ByteOrder.LITTLE_ENDIAN).interfaceBlock(LinkType.ETHERNET, 0)
                .enhanced(0, 1, F1, F1.length).enhanced(3, 2, F2, F2.length);
        Path file = write("bad-iface.pcapng", ng.build());
        Drained d = drain(file);
        assertThat(d.frames()).extracting(Frame::bytes).containsExactly(F1);
        assertThat(d.errors()).singleElement().extracting(Throwable::getMessage).asString()
                .contains(file.toString()).contains("interface 3").contains("byte offset " + ng.blockOffset(3));
    }

    @Test
    void mutatedFilesFailOnlyWithOneCaptureFormatException() throws IOException {
        long seed = Long.getLong("tapflow.files.seed", System.nanoTime());
        System.out.println("CaptureFilesTest mutated files seed=" + seed + " (-Dtapflow.files.seed=" + seed + ")");
        java.util.Random r = new java.util.Random(seed);
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        byte[][] originals = {
                pcap(le, false, LinkType.ETHERNET, new Rec(1, 2, F1), new Rec(3, 4, F2), new Rec(5, 6, F3)),
                pcap(ByteOrder.BIG_ENDIAN, true, LinkType.RAW, new Rec(1, 2, RAW4), new Rec(3, 4, RAW4)),
                new Ng(le).interfaceBlock(LinkType.ETHERNET, 0, tsresol(le, 9)).interfaceBlock(LinkType.RAW, 64, tsresol(le, 0x8A))
                        .enhanced(0, 1, F1, F1.length).simple(F2).enhanced(1, 2, RAW4, 1000).block(5, new byte[8]).build(),
                new Ng(ByteOrder.BIG_ENDIAN).interfaceBlock(LinkType.LINUX_SLL, 0).enhanced(0, 9, sll(ETHERTYPE_IPV4, RAW4), 99).build(),
        };
        int opened = 0;
        int failed = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] b = originals[r.nextInt(originals.length)].clone();
            int mutations = 1 + r.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                switch (r.nextInt(4)) {
                    case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                    default -> { // a 32-bit length-like field gets a boundary value
                        if (b.length >= 4) {
                            int at = r.nextInt(b.length - 3) & ~3;
                            int v = new int[] {0, 1, 12, 16, 28, 32, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x0100_0000}[r.nextInt(10)];
                            ByteBuffer.wrap(b).order(r.nextBoolean() ? le : ByteOrder.BIG_ENDIAN).putInt(at, v);
                        }
                    }
                }
                if (b.length == 0) {
                    break;
                }
            }
            Path file = write("mutated-" + i, b);
            Drained d;
            try {
                d = drain(file);
            } catch (CaptureFormatException e) {
                assertThat(e.getMessage()).as("seed %d, file %d", seed, i).contains(file.toString());
                failed++;
                continue;
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("seed " + seed + ", file " + i + ": " + java.util.HexFormat.of().formatHex(b), e);
            }
            opened++;
            assertThat(d.errors()).as("seed %d, file %d", seed, i).hasSizeLessThanOrEqualTo(1);
            for (CaptureFormatException e : d.errors()) {
                assertThat(e.getMessage()).as("seed %d, file %d", seed, i).contains(file.toString()).contains("byte offset");
            }
            Files.delete(file);
        }
        System.out.printf("CaptureFilesTest mutated files: %d opened, %d refused at open%n", opened, failed);
        assertThat(opened).isPositive();
        assertThat(failed).isPositive();
    }

    // ---------------------------------------------------------------- not captures at all

    @Test
    void garbageMagic() throws IOException {
        Path file = write("garbage.pcap", "GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes());
        assertThatThrownBy(() -> CaptureFiles.open(file)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a pcap or pcapng file");
        Path badOrder = write("bad-order.pcapng", cat(bytes().u32(0x0A0D0D0A).u32(0x1C000000).u32(0x11223344).zeros(16).build()));
        assertThatThrownBy(() -> CaptureFiles.open(badOrder)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining(badOrder.toString()).hasMessageContaining("byte-order magic");
    }

    @Test
    void emptyAndTinyFiles() throws IOException {
        for (int size : new int[] {0, 3}) {
            Path file = write("empty-" + size + ".pcap", new byte[size]);
            assertThatThrownBy(() -> CaptureFiles.open(file)).isInstanceOf(CaptureFormatException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("empty or too short")
                    .hasMessageContaining("(" + size + " bytes)");
        }
        Path missing = dir.resolve("missing.pcap");
        assertThatThrownBy(() -> CaptureFiles.open(missing)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
    }

    @Test
    void replayKeepsTheFramesBeforeACutAndGoesOnWithTheNextFile() throws IOException {
        byte[] whole = pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, new Rec(1, 0, F1), new Rec(2, 0, F2), new Rec(3, 0, F3));
        Path cut = write("cut.pcap", Arrays.copyOf(whole, whole.length - 3));
        Path good = write("good.pcap", pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, new Rec(4, 0, F3)));
        Path empty = write("empty.pcap", new byte[0]);
        var run = Metering.run(MeterSettings.defaults(), cut, empty, good);
        assertThat(run.result().errors()).hasSize(2);
        assertThat(run.result().errors().get(0)).contains(cut.toString()).contains("byte offset");
        assertThat(run.result().errors().get(1)).contains(empty.toString());
        assertThat(run.result().frames()).isEqualTo(3);
        assertThat(run.meter().counters().packets).isEqualTo(3);
        assertThat(run.meter().counters().notIp).isEqualTo(1);
    }
}
