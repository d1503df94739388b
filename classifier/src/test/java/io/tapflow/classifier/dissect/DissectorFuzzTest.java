package io.tapflow.classifier.dissect;

import io.tapflow.classifier.Hex;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dissector, called directly (the classifier's safety net is not in the way), on random bytes and on mutated
 * well-formed messages of many protocols (bit flips, overwritten length fields, truncation, splicing), with random
 * ports, directions and multi-packet state. Nothing may throw. Cases per dissector: {@code -Dtapflow.fuzz.cases}
 * (default 1,000,000: half random, half mutated).
 */
class DissectorFuzzTest {
    private static final int CASES = Integer.getInteger("tapflow.fuzz.cases", 1_000_000);
    private static final int[] PORTS = {53, 67, 68, 80, 123, 137, 138, 139, 161, 443, 445, 546, 547, 993, 1883, 1900, 3478,
        3702, 5351, 5353, 5355, 17500, 57621, 6346, 8080, 40000};

    static Stream<Dissector> dissectors() {
        return Dissectors.all().stream();
    }

    /** Well-formed starts of many protocols, to mutate. */
    static final List<byte[]> SEEDS = List.of(
            TlsSeeds.clientHello("www.example.com"),
            Hex.bytes("160303003a020000360303" + "00".repeat(32) + "00c02f000000"),
            Hex.bytes("1703030020" + "ab".repeat(32)),
            ascii("GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: fuzz\r\n\r\n"),
            ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
            ascii("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n\r\n"),
            ascii("OPTIONS rtsp://example.com/a RTSP/1.0\r\nCSeq: 1\r\n\r\n"),
            ascii("INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a\r\n\r\n"),
            ascii("SSH-2.0-OpenSSH_9.6\r\n"),
            ascii("+OK POP3 ready\r\n"),
            ascii("220 mail.example.com ESMTP\r\n"),
            ascii("<34>Oct 11 22:14:15 host su: 'su root' failed\n"),
            ascii("GNUTELLA CONNECT/0.6\r\nUser-Agent: x\r\n\r\n"),
            ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"),
            Hex.bytes("13426974546f7272656e742070726f746f636f6c" + "00".repeat(48)),
            Hex.bytes("1234 0100 0001 0000 0000 0000 03777777076578616d706c6503636f6d00 0001 0001"),
            Hex.bytes("0000 8400 0000 0001 0000 0000 056c6f63616c00 0001 8001 00000078 0004 0a000001"),
            Hex.bytes("9c29 2910 0001 0000 0000 0001 20" + "45".repeat(32) + "00 0020 0001"),
            Hex.bytes("0001 0008 2112a442 000102030405060708090a0b 8054 0004 00000001"),
            Hex.bytes("0003 0006 2112a442 000102030405060708090a0b 4000 0002 abcd"),
            Hex.bytes("e3 00 00 00" + "00".repeat(44)),
            Hex.bytes("01010600 a6784b7d" + "00".repeat(228) + "63825363 3501 01 0c 04 6e616d65 ff"),
            Hex.bytes("302902010004067075626c6963a01c0204" + "01020304020100020100300e300c06082b060102010101000500"),
            Hex.bytes("8000 1234 00000001 deadbeef" + "00".repeat(20)),
            Hex.bytes("101000044d5154540402003c0004" + "74657374"),
            Hex.bytes("0300002b26e00000000000436f6f6b69653a206d737473686173683d610d0a0100080003000000"),
            Hex.bytes("000500010000000000000000000000000000000000000000" + "00".repeat(48)),
            Hex.bytes("00000005 00000001 0a000001 00000000 00000001 00000001 00000001"),
            Hex.bytes("01000000" + "00".repeat(144)),
            Hex.bytes("474e441000010101" + "00".repeat(16)),
            Hex.bytes("a7453102 89213ee4 7e649bba c302eb3a 44 00 00 3a000000 05 47544b47" + "00".repeat(53)),
            Hex.bytes("c3 00000001 08 0102030405060708 00 00 4400" + "00".repeat(1200)),
            Hex.bytes("c3 ff00001d 08 0102030405060708 00 00 4100" + "00".repeat(300)),
            Hex.bytes("0c 0102030405060708 51303436 01" + "434850" + "4c4f" + "0100 0000 534e4900 03000000 616263"),
            Hex.bytes("0000 0002 fe534d42" + "40".repeat(60)),
            Hex.bytes("11 0a 1234 0a000001 008a 00bb 0000 20" + "45".repeat(32) + "00" + "ff534d42" + "00".repeat(20)),
            Hex.bytes("00 00"), Hex.bytes("00 01 00 00 00 00 00 00 00 00 00 00"),
            ascii("{\"host_int\": 1, \"version\": [2, 0]}"), ascii("SpotUdp0" + "x".repeat(20)),
            ascii("<?xml version=\"1.0\"?><soap:Envelope xmlns:wsd=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\"/>"));

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dissectors")
    void neverThrows(Dissector d) {
        SplittableRandom rnd = new SplittableRandom(d.name().hashCode());
        Packet p = new Packet();
        Findings f = new Findings(1);
        for (int i = 0; i < CASES; i++) {
                byte[] data = (i & 1) == 0 ? random(rnd) : mutate(SEEDS.get(rnd.nextInt(SEEDS.size())), rnd);
                if (rnd.nextInt(8) == 0) {
                    f.clear(); // otherwise keep multi-packet state going, as on a real flow
                }
                int off = data.length > 0 ? rnd.nextInt(Math.min(data.length, 4) + 1) : 0;
                off = Math.min(off, data.length);
                p.buf = data;
                p.off = off;
                p.len = data.length - off - (data.length - off > 0 ? rnd.nextInt(Math.min(data.length - off, 3) + 1) : 0);
                p.dir = rnd.nextInt(2);
                p.l4proto = rnd.nextBoolean() ? 6 : 17;
                p.clientPort = PORTS[rnd.nextInt(PORTS.length)];
                p.serverPort = rnd.nextInt(4) == 0 ? rnd.nextInt(65536) : PORTS[rnd.nextInt(PORTS.length)];
                p.indexInDir = rnd.nextInt(4);
                p.otherDirPackets = rnd.nextInt(4);
                p.segmentLen = Math.max(0, p.len - rnd.nextInt(Math.max(1, p.len)));
                p.state = 0;
            if (d.handles(p.l4proto)) {
                try {
                    d.inspect(p, f);
                } catch (RuntimeException e) {
                    throw new AssertionError(d.name() + " threw on case " + i + " (off " + p.off + ", len " + p.len + ", dir "
                            + p.dir + ", ports " + p.clientPort + "/" + p.serverPort + "): "
                            + io.tapflow.classifier.util.Bytes.hex(data), e);
                }
            }
        }
    }

    private static byte[] random(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(rnd.nextInt(8) == 0 ? 1500 : 96)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            switch (rnd.nextInt(5)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[rnd.nextInt(b.length)] = (byte) (rnd.nextBoolean() ? 0xFF : 0x00); // lengths to extremes
                case 2 -> {
                    int at = rnd.nextInt(b.length);
                    b[at] = (byte) rnd.nextInt(256);
                    if (at + 1 < b.length) {
                        b[at + 1] = (byte) rnd.nextInt(256);
                    }
                }
                case 3 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncate
                default -> {
                    byte[] other = SEEDS.get(rnd.nextInt(SEEDS.size()));
                    int cut = rnd.nextInt(b.length + 1);
                    byte[] spliced = java.util.Arrays.copyOf(b, cut + other.length);
                    System.arraycopy(other, 0, spliced, cut, other.length);
                    b = spliced;
                }
            }
        }
        return b;
    }
}
