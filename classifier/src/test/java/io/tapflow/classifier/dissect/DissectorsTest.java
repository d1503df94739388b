package io.tapflow.classifier.dissect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.Classifier;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.Hex;
import io.tapflow.classifier.verdict.Verdict;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hand-written messages per dissector: what a well-formed one yields, and that near misses are refused. */
class DissectorsTest {
    private final ClassifierEngine engine = ClassifierEngine.defaults();

    private Verdict udp(int clientPort, int serverPort, byte[]... packets) {
        Classifier c = engine.newClassifier().start(17, clientPort, serverPort);
        for (byte[] p : packets) {
            c.feed(Packet.TO_SERVER, p, 0, p.length);
        }
        return c.verdict();
    }

    private Verdict tcp(int clientPort, int serverPort, byte[] toServer) {
        Classifier c = engine.newClassifier().start(6, clientPort, serverPort);
        c.feed(Packet.TO_SERVER, toServer, 0, toServer.length);
        return c.verdict();
    }

    @Test
    void dnsCompressionLoopIsRefusedNotFollowedForever() {
        // Question name = a pointer to itself (offset 12).
        byte[] loop = Hex.bytes("1234 0100 0001 0000 0000 0000 c00c 0001 0001");
        assertThat(udp(40000, 53, loop).serverName()).isEmpty();
    }

    @Test
    void dnsPointerToAnEarlierName() {
        byte[] response = Hex.bytes("1234 8180 0001 0001 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001"
                + "c00c 0001 0001 0000003c 0004 5db8d822");
        assertThat(udp(40000, 53, response).serverName()).isEqualTo("www.example.com");
    }

    @Test
    void netbiosNamesAreDecoded() {
        // "WORKGROUP" padded with spaces, type 0x00, first-level encoded.
        byte[] query = Hex.bytes("9c29 0110 0001 0000 0000 0000 20 464845504643454c454846434550464646414341434143414341434143414141 00 0020 0001");
        Verdict v = udp(137, 137, query);
        assertThat(v.label()).isEqualTo("NetBIOS");
        assertThat(v.serverName()).isEqualTo("workgroup");
    }

    @Test
    void snmpV2cGetRequest() {
        byte[] get = Hex.bytes("3026 020101 04067075626c6963 a019 020101 020100 020100 300e 300c 06082b06010201010100 0500");
        assertThat(udp(40000, 161, get).label()).isEqualTo("SNMP");
        byte[] wrongLength = get.clone();
        wrongLength[1] = 0x30;
        assertThat(udp(40000, 40161, wrongLength).known()).isFalse();
    }

    @Test
    void bitTorrentHandshakeAndDht() {
        byte[] hs = Hex.bytes("13426974546f7272656e742070726f746f636f6c" + "00".repeat(48));
        assertThat(tcp(40000, 51413, hs).label()).isEqualTo("BitTorrent");
        byte[] ping = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe".getBytes(StandardCharsets.US_ASCII);
        assertThat(udp(40000, 6881, ping).label()).isEqualTo("BitTorrent");
        byte[] broken = "d1:ad2:id99:abce1:q4:ping1:y1:qe".getBytes(StandardCharsets.US_ASCII);
        assertThat(udp(40000, 40001, broken).known()).isFalse();
    }

    @Test
    void dhcpHostName() {
        byte[] discover = Hex.bytes("01010600 a6784b7d" + "00".repeat(228) + "63825363 350101 0c0b4d53454447455749 4e3130 ff");
        Verdict v = udp(68, 67, discover);
        assertThat(v.label()).isEqualTo("DHCP");
        assertThat(v.serverName()).isEqualTo("msedgewin10");
    }

    @Test
    void gnutellaG2AndMojito() {
        assertThat(udp(28681, 40000, Hex.bytes("474e4410 3eae 0101 540b514b5250065249")).label()).isEqualTo("Gnutella");
        byte[] mojito = Hex.bytes("a7453102 89213ee4 7e649bba c302eb3a 44 00 00 08000000 05 47544b47 000000");
        assertThat(udp(28681, 40000, mojito).label()).isEqualTo("Gnutella");
        byte[] plainPing = Hex.bytes("6e6f3102 9d56222e ff44cc2e 72f43f03 00 01 00 05000000 0000000000");
        assertThat(udp(28681, 40000, plainPing).known()).isFalse(); // too weak alone: nDPI does not name it either
    }

    @Test
    void wireGuardHandshakeInitiation() {
        byte[] init = Hex.bytes("01000000" + "11".repeat(144));
        assertThat(udp(40000, 51820, init).label()).isEqualTo("WireGuard");
    }

    @Test
    void rtpNeedsTwoPacketsOfOneStream() {
        byte[] a = Hex.bytes("8000 0001 00000000 deadbeef" + "00".repeat(20));
        byte[] b = Hex.bytes("8000 0002 000000a0 deadbeef" + "00".repeat(20));
        byte[] other = Hex.bytes("8000 0002 000000a0 feedface" + "00".repeat(20));
        assertThat(udp(40000, 40002, a, b).label()).isEqualTo("RTP");
        assertThat(udp(40000, 40002, a, other).known()).isFalse();
    }
}
