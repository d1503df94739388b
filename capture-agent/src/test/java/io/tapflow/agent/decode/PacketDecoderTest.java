package io.tapflow.agent.decode;

import static io.tapflow.agent.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.export.AddressFormat;
import io.tapflow.agent.source.LinkType;
import io.tapflow.schema.TunnelType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decoder on frames written by hand, layer by layer: what it extracts, and how it refuses what is broken. */
class PacketDecoderTest {
    private static final byte[] HELLO = "hello, flow".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket p = new DecodedPacket();

    private int decode(byte[] frame, int linkType) {
        return decoder.decode(MemorySegment.ofArray(frame), 0, frame.length, linkType, p);
    }

    private int decodeEthernet(byte[] frame) {
        return decode(frame, LinkType.ETHERNET);
    }

    private static String reasonName(int result) {
        return switch (result) {
            case PacketDecoder.OK -> "OK";
            case PacketDecoder.NOT_IP -> "NOT_IP";
            default -> MalformedReason.of(result).name();
        };
    }

    private void assertOk(int result) {
        assertThat(reasonName(result)).isEqualTo("OK");
    }

    private void assertMalformed(int result, MalformedReason reason) {
        assertThat(reasonName(result)).isEqualTo(reason.name());
    }

    private void assertFlow(int protocol, String src, int srcPort, String dst, int dstPort) {
        assertThat(p.protocol).as("protocol").isEqualTo(protocol);
        assertThat(AddressFormat.toString(p.srcHi, p.srcLo)).as("source").isEqualTo(src);
        assertThat(p.srcPort).as("source port").isEqualTo(srcPort);
        assertThat(AddressFormat.toString(p.dstHi, p.dstLo)).as("destination").isEqualTo(dst);
        assertThat(p.dstPort).as("destination port").isEqualTo(dstPort);
    }

    /** The L4 payload is the last {@code payloadLength} bytes of a frame that has no trailer. */
    private void assertPayloadAtEnd(byte[] frame, int payloadLength) {
        assertThat(p.payloadOffset).as("payload offset").isEqualTo(frame.length - payloadLength);
        assertThat(p.payloadLength).as("payload length").isEqualTo(payloadLength);
        assertThat(p.payloadCaptured).as("payload captured").isEqualTo(payloadLength);
    }

    private static byte[] tcpV4(int flags, byte[] payload) {
        return ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", tcp(40000, 80, flags, payload));
    }

    // ---------------------------------------------------------------- Ethernet, VLAN, MPLS, PPPoE

    @Test
    void ethernetIpv4Tcp() {
        byte[] frame = ethernet(ETHERTYPE_IPV4, tcpV4(PSH | ACK, HELLO));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.ipVersion).isEqualTo(4);
        assertThat(p.tcpFlags).isEqualTo(PSH | ACK);
        assertThat(p.ttl).isEqualTo(64);
        assertThat(p.tunnelType).isEqualTo(TunnelType.NONE.ordinal());
        assertThat(p.vlanOuter).isZero();
        assertThat(p.mplsLabel).isEqualTo(-1);
        assertThat(p.fragment).isFalse();
        assertThat(p.payloadOffset).isEqualTo(14 + 20 + 20);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void tcpOptionsMoveThePayload() {
        byte[] options = {1, 1, 1, 0, 2, 4, 5, (byte) 0xb4}; // NOP NOP NOP EOL, MSS 1460
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", tcp(1, 2, ACK, 7, options, HELLO)));
        assertOk(decodeEthernet(frame));
        assertThat(p.payloadOffset).isEqualTo(14 + 20 + 28);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] ip = tcpV4(ACK, new byte[0]); // 40 bytes: the frame is padded to the 60-byte minimum
        byte[] frame = cat(ethernet(ETHERTYPE_IPV4, ip), filled(6, 0xEE));
        assertOk(decodeEthernet(frame));
        assertThat(p.payloadLength).isZero();
        assertThat(p.payloadCaptured).isZero();
    }

    @Test
    void snaplenCutPayloadIsCapturedShort() {
        byte[] full = ethernet(ETHERTYPE_IPV4, tcpV4(ACK, filled(1000, 'x')));
        byte[] cut = Arrays.copyOf(full, 14 + 20 + 20 + 100);
        assertOk(decodeEthernet(cut));
        assertThat(p.payloadLength).isEqualTo(1000);
        assertThat(p.payloadCaptured).isEqualTo(100);
        assertThat(p.payloadOffset).isEqualTo(54);
    }

    @Test
    void frameAtAnOffsetInsideALargerSegment() {
        byte[] frame = ethernet(ETHERTYPE_IPV4, tcpV4(ACK, HELLO));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(frame.length + 100);
            seg.fill((byte) 0x5A);
            MemorySegment.copy(MemorySegment.ofArray(frame), 0, seg, 37, frame.length);
            assertOk(decoder.decode(seg, 37, frame.length, LinkType.ETHERNET, p));
            assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
            assertThat(p.payloadOffset).isEqualTo(37 + 54);
            assertThat(p.payloadCaptured).isEqualTo(HELLO.length);
        }
    }

    @Test
    void vlan8021q() {
        byte[] frame = ethernet(ETHERTYPE_VLAN, vlanTag(100, ETHERTYPE_IPV4, tcpV4(SYN, new byte[0])));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.vlanOuter).isEqualTo(100);
        assertThat(p.vlanInner).isZero();
        assertThat(p.payloadOffset).isEqualTo(18 + 40);
    }

    @Test
    void qinqKeepsOuterAndInnerVlan() {
        byte[] frame = ethernet(ETHERTYPE_QINQ, vlanTag(200, ETHERTYPE_VLAN, vlanTag(300, ETHERTYPE_IPV4,
                ipv4(PROTO_UDP, "192.0.2.1", "192.0.2.2", udp(5000, 53, HELLO)))));
        assertOk(decodeEthernet(frame));
        assertFlow(17, "192.0.2.1", 5000, "192.0.2.2", 53);
        assertThat(p.vlanOuter).isEqualTo(200);
        assertThat(p.vlanInner).isEqualTo(300);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void mplsLabelStack() {
        byte[] frame = ethernet(ETHERTYPE_MPLS, mpls(1000, false, mpls(2000, true, tcpV4(ACK, HELLO))));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.mplsLabel).isEqualTo(1000);
        assertThat(p.mplsDepth).isEqualTo(2);
        assertThat(p.payloadOffset).isEqualTo(14 + 8 + 40);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void mplsPseudowireCarriesEthernet() {
        byte[] inner = ethernet(ETHERTYPE_IPV6, ipv6(PROTO_UDP, "2001:db8::1", "2001:db8::2", udp(1234, 4321, HELLO)));
        byte[] frame = ethernet(ETHERTYPE_MPLS, mpls(16, true, cat(new byte[4], inner))); // control word 0
        assertOk(decodeEthernet(frame));
        assertFlow(17, "2001:db8::1", 1234, "2001:db8::2", 4321);
        assertThat(p.mplsLabel).isEqualTo(16);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void pppoeSession() {
        byte[] frame = ethernet(ETHERTYPE_PPPOE, pppoe(0x0021, tcpV4(ACK, HELLO)));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.payloadOffset).isEqualTo(14 + 8 + 40);
        assertPayloadAtEnd(frame, HELLO.length);

        byte[] v6 = ethernet(ETHERTYPE_PPPOE, pppoe(0x0057, ipv6(PROTO_TCP, "2001:db8::a", "2001:db8::b", tcp(1, 2, ACK, HELLO))));
        assertOk(decodeEthernet(v6));
        assertFlow(6, "2001:db8::a", 1, "2001:db8::b", 2);
        byte[] lcp = ethernet(ETHERTYPE_PPPOE, pppoe(0xC021, new byte[8]));
        assertThat(decodeEthernet(lcp)).isEqualTo(PacketDecoder.NOT_IP);
    }

    @Test
    void llcSnapCarriesAnEtherType() {
        byte[] snap = bytes().u8(0xAA).u8(0xAA).u8(0x03).u24(0).u16(ETHERTYPE_IPV4).bytes(tcpV4(ACK, HELLO)).build();
        byte[] frame = bytes().zeros(12).u16(snap.length).bytes(snap).build();
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void nonIpFramesAreNotIp() {
        assertThat(decodeEthernet(ethernet(ETHERTYPE_ARP, new byte[28]))).isEqualTo(PacketDecoder.NOT_IP);
        byte[] stp = bytes().zeros(12).u16(38).u8(0x42).u8(0x42).u8(0x03).zeros(35).build(); // 802.3 + LLC (STP)
        assertThat(decodeEthernet(stp)).isEqualTo(PacketDecoder.NOT_IP);
        assertThat(decode(new byte[40], 147)).as("unknown link type").isEqualTo(PacketDecoder.NOT_IP);
    }

    // ---------------------------------------------------------------- IPv4 options and fragments

    @Test
    void ipv4WithOptions() {
        byte[] options = {(byte) 0x94, 0x04, 0, 0, 1, 1, 1, 0}; // router alert, NOP NOP NOP EOL
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.1.1.1", "10.2.2.2", options, 0, 7, udp(1111, 2222, HELLO)));
        assertOk(decodeEthernet(frame));
        assertFlow(17, "10.1.1.1", 1111, "10.2.2.2", 2222);
        assertThat(p.payloadOffset).isEqualTo(14 + 28 + 8);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void ipv4FirstFragmentHasPortsLaterFragmentHasNot() {
        byte[] first = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2", new byte[0], 0x2000, 0xBEEF,
                udp(5353, 53, filled(64, 1))));
        assertOk(decodeEthernet(first));
        assertFlow(17, "10.0.0.1", 5353, "10.0.0.2", 53);
        assertThat(p.fragment).isTrue();
        assertThat(p.laterFragment).isFalse();
        assertThat(p.moreFragments).isTrue();
        assertThat(p.fragmentId).isEqualTo(0xBEEF);
        assertThat(p.payloadOffset).isEqualTo(14 + 20 + 8);

        byte[] later = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2", new byte[0], 9, 0xBEEF, filled(20, 2)));
        assertOk(decodeEthernet(later));
        assertFlow(17, "10.0.0.1", 0, "10.0.0.2", 0);
        assertThat(p.fragment).isTrue();
        assertThat(p.laterFragment).isTrue();
        assertThat(p.moreFragments).isFalse();
        assertThat(p.fragmentId).isEqualTo(0xBEEF);
        assertThat(p.payloadCaptured).isZero();
    }

    @Test
    void fragmentedUdpToTheVxlanPortIsNotDecapsulated() {
        byte[] inner = ethernet(ETHERTYPE_IPV4, tcpV4(ACK, HELLO));
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "172.16.0.1", "172.16.0.2", new byte[0], 0x2000, 5,
                udp(4789, 4789, vxlan(42, inner))));
        assertOk(decodeEthernet(frame));
        assertFlow(17, "172.16.0.1", 4789, "172.16.0.2", 4789);
        assertThat(p.tunnelType).isZero();
    }

    // ---------------------------------------------------------------- IPv6 and extension headers

    @Test
    void ipv6HopByHopAndFragmentHeaders() {
        byte[] first = ethernet(ETHERTYPE_IPV6, ipv6(0, "2001:db8::1", "2001:db8::2",
                ipv6Options(44, ipv6Fragment(PROTO_UDP, 0, true, 0xDEADBEEFL, udp(546, 547, HELLO)))));
        assertOk(decodeEthernet(first));
        assertFlow(17, "2001:db8::1", 546, "2001:db8::2", 547);
        assertThat(p.ipVersion).isEqualTo(6);
        assertThat(p.fragment).isTrue();
        assertThat(p.laterFragment).isFalse();
        assertThat(p.moreFragments).isTrue();
        assertThat(p.fragmentId).isEqualTo(0xDEADBEEFL);
        assertThat(p.payloadOffset).isEqualTo(14 + 40 + 8 + 8 + 8);
        assertPayloadAtEnd(first, HELLO.length);

        byte[] later = ethernet(ETHERTYPE_IPV6, ipv6(0, "2001:db8::1", "2001:db8::2",
                ipv6Options(44, ipv6Fragment(PROTO_UDP, 3, false, 0xDEADBEEFL, filled(16, 3)))));
        assertOk(decodeEthernet(later));
        assertFlow(17, "2001:db8::1", 0, "2001:db8::2", 0);
        assertThat(p.laterFragment).isTrue();
        assertThat(p.moreFragments).isFalse();
        assertThat(p.fragmentId).isEqualTo(0xDEADBEEFL);
    }

    @Test
    void ipv6RoutingAndDestinationOptions() {
        byte[] frame = ethernet(ETHERTYPE_IPV6, ipv6(43, "2001:db8::1", "2001:db8::2",
                ipv6Options(60, ipv6Options(PROTO_TCP, tcp(443, 50000, ACK, HELLO)))));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "2001:db8::1", 443, "2001:db8::2", 50000);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    // ---------------------------------------------------------------- L4

    @Test
    void udpPortsAndPayload() {
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "198.51.100.7", "203.0.113.9", udp(123, 123, HELLO)));
        assertOk(decodeEthernet(frame));
        assertFlow(17, "198.51.100.7", 123, "203.0.113.9", 123);
        assertThat(p.tcpFlags).isZero();
        assertThat(p.payloadOffset).isEqualTo(14 + 28);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void icmpHasNoPorts() {
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_ICMP, "10.0.0.1", "10.0.0.2", icmpEcho(8, HELLO)));
        assertOk(decodeEthernet(frame));
        assertFlow(1, "10.0.0.1", 0, "10.0.0.2", 0);
    }

    @Test
    void icmpv6HasNoPorts() {
        byte[] frame = ethernet(ETHERTYPE_IPV6, ipv6(PROTO_ICMPV6, "fe80::1", "ff02::1", icmpEcho(128, HELLO)));
        assertOk(decodeEthernet(frame));
        assertFlow(58, "fe80::1", 0, "ff02::1", 0);
        assertThat(p.ipVersion).isEqualTo(6);
    }

    @Test
    void sctpPortsAndChunks() {
        byte[] chunk = bytes().u8(0).u8(3).u16(4 + HELLO.length).bytes(HELLO).u8(0).build(); // DATA chunk, padded
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_SCTP, "10.9.9.1", "10.9.9.2", sctp(2905, 2905, chunk)));
        assertOk(decodeEthernet(frame));
        assertFlow(132, "10.9.9.1", 2905, "10.9.9.2", 2905);
        assertThat(p.payloadOffset).isEqualTo(14 + 20 + 12);
        assertPayloadAtEnd(frame, chunk.length);
    }

    // ---------------------------------------------------------------- tunnels

    @Test
    void greVersion0WithKey() {
        byte[] inner = ipv4(PROTO_TCP, "192.168.1.10", "192.168.2.20", tcp(33000, 22, SYN, new byte[0]));
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_GRE, "203.0.113.1", "203.0.113.2", greWithKey(ETHERTYPE_IPV4, 77, inner)));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "192.168.1.10", 33000, "192.168.2.20", 22);
        assertThat(p.tunnelType).isEqualTo(TunnelType.GRE.ordinal());
        assertThat(p.tcpFlags).isEqualTo(SYN);
        assertThat(p.payloadOffset).isEqualTo(14 + 20 + 8 + 20 + 20);
        assertThat(p.payloadLength).isZero();
    }

    @Test
    void greVersion1Pptp() {
        byte[] ppp = bytes().u8(0xFF).u8(0x03).u16(0x0021)
                .bytes(ipv4(PROTO_UDP, "10.10.0.5", "10.20.0.6", udp(5060, 5060, HELLO))).build();
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_GRE, "203.0.113.1", "203.0.113.2", grePptp(0x1234, 9, ppp)));
        assertOk(decodeEthernet(frame));
        assertFlow(17, "10.10.0.5", 5060, "10.20.0.6", 5060);
        assertThat(p.tunnelType).isEqualTo(TunnelType.GRE.ordinal());
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void greWithUnknownPayloadStaysTheOuterFlow() {
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_GRE, "203.0.113.1", "203.0.113.2", greWithKey(0x88BE, 1, new byte[40])));
        assertOk(decodeEthernet(frame));
        assertFlow(47, "203.0.113.1", 0, "203.0.113.2", 0);
        assertThat(p.tunnelType).isZero();
    }

    @Test
    void vxlanDecapsulatesTheInnerFrame() {
        byte[] inner = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_TCP, "10.200.0.1", "10.200.0.2", tcp(8080, 60000, ACK, HELLO)));
        byte[] frame = ethernet(ETHERTYPE_VLAN, vlanTag(7, ETHERTYPE_IPV4,
                ipv4(PROTO_UDP, "172.16.0.1", "172.16.0.2", udp(51000, 4789, vxlan(5001, inner)))));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.200.0.1", 8080, "10.200.0.2", 60000);
        assertThat(p.tunnelType).isEqualTo(TunnelType.VXLAN.ordinal());
        assertThat(p.vlanOuter).as("VLAN of the outer frame").isEqualTo(7);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void vxlanWithBrokenInnerFrameStaysTheOuterFlow() {
        byte[] inner = ethernet(ETHERTYPE_IPV4, bytes().u8(0x44).zeros(30).build()); // IHL 4: malformed inner
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "172.16.0.1", "172.16.0.2",
                udp(51000, 4789, vxlan(5001, inner))));
        assertOk(decodeEthernet(frame));
        assertFlow(17, "172.16.0.1", 51000, "172.16.0.2", 4789);
        assertThat(p.tunnelType).isZero();
        assertThat(p.payloadOffset).isEqualTo(14 + 28);
    }

    @Test
    void gtpUWithExtensionHeader() {
        byte[] inner = ipv4(PROTO_UDP, "100.64.0.9", "8.8.8.8", udp(40404, 53, HELLO));
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2",
                udp(2152, 2152, gtpuWithExtension(0xABCDEF, inner))));
        assertOk(decodeEthernet(frame));
        assertFlow(17, "100.64.0.9", 40404, "8.8.8.8", 53);
        assertThat(p.tunnelType).isEqualTo(TunnelType.GTP_U.ordinal());
        assertThat(p.payloadOffset).isEqualTo(14 + 20 + 8 + 8 + 4 + 4 + 20 + 8);
        assertPayloadAtEnd(frame, HELLO.length);
    }

    /** TS 29.281 §5.1: without the E flag the next-extension-type byte is present (S or PN set) but must not be read. */
    @Test
    void gtpUSequenceNumberWithoutExtensionFlagIgnoresTheNextTypeByte() {
        byte[] inner = ipv4(PROTO_UDP, "100.64.0.9", "8.8.8.8", udp(40404, 53, HELLO));
        byte[] tail = bytes().u16(77).u8(0).u8(0x85).bytes(inner).build(); // S set, E clear, stale next type
        byte[] gtp = bytes().u8(0x32).u8(0xFF).u16(tail.length).u32(1).bytes(tail).build();
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2",
                udp(2152, 2152, gtp)));
        assertOk(decodeEthernet(frame));
        assertFlow(17, "100.64.0.9", 40404, "8.8.8.8", 53);
        assertThat(p.tunnelType).isEqualTo(TunnelType.GTP_U.ordinal());
    }

    @Test
    void ipInIp() {
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_IPIP, "1.1.1.1", "2.2.2.2", tcpV4(ACK, HELLO)));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.tunnelType).isEqualTo(TunnelType.IP_IN_IP.ordinal());
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void sixInFour() {
        byte[] inner = ipv6(PROTO_TCP, "2001:db8:1::1", "2001:db8:2::2", tcp(1025, 443, SYN, new byte[0]));
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_IPV6, "192.0.2.1", "192.0.2.2", inner));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "2001:db8:1::1", 1025, "2001:db8:2::2", 443);
        assertThat(p.ipVersion).isEqualTo(6);
        assertThat(p.tunnelType).isEqualTo(TunnelType.IPV6_IN_IPV4.ordinal());
        assertThat(p.payloadOffset).isEqualTo(frame.length);
    }

    @Test
    void fourInSix() {
        byte[] frame = ethernet(ETHERTYPE_IPV6, ipv6(PROTO_IPIP, "2001:db8::1", "2001:db8::2", tcpV4(ACK, HELLO)));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.ipVersion).isEqualTo(4);
        assertThat(p.tunnelType).isEqualTo(TunnelType.IPV4_IN_IPV6.ordinal());
        assertPayloadAtEnd(frame, HELLO.length);
    }

    @Test
    void nestedTunnelsReportTheOutermost() {
        byte[] gre = greWithKey(ETHERTYPE_IPV4, 1, ipv4(PROTO_IPIP, "10.5.0.1", "10.5.0.2", tcpV4(ACK, HELLO)));
        byte[] frame = ethernet(ETHERTYPE_IPV4, ipv4(PROTO_GRE, "203.0.113.1", "203.0.113.2", gre));
        assertOk(decodeEthernet(frame));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.tunnelType).isEqualTo(TunnelType.GRE.ordinal());
    }

    // ---------------------------------------------------------------- other link types

    @Test
    void linuxCookedV1AndV2() {
        byte[] ip = tcpV4(ACK, HELLO);
        byte[] sll = sll(ETHERTYPE_IPV4, ip);
        assertOk(decode(sll, LinkType.LINUX_SLL));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.payloadOffset).isEqualTo(16 + 40);
        assertPayloadAtEnd(sll, HELLO.length);

        byte[] sll2 = sll2(ETHERTYPE_VLAN, vlanTag(55, ETHERTYPE_IPV4, ip));
        assertThat(sll2.length).isEqualTo(20 + 4 + ip.length);
        assertOk(decode(sll2, LinkType.LINUX_SLL2));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertThat(p.vlanOuter).isEqualTo(55);
        assertPayloadAtEnd(sll2, HELLO.length);
    }

    @Test
    void rawIp() {
        byte[] v4 = tcpV4(ACK, HELLO);
        byte[] v6 = ipv6(PROTO_UDP, "2001:db8::1", "2001:db8::2", udp(1, 2, HELLO));
        for (int link : new int[] {LinkType.RAW, LinkType.RAW_OPENBSD, LinkType.RAW_BSDOS}) {
            assertOk(decode(v4, link));
            assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
            assertPayloadAtEnd(v4, HELLO.length);
            assertOk(decode(v6, link));
            assertFlow(17, "2001:db8::1", 1, "2001:db8::2", 2);
        }
        assertOk(decode(v4, LinkType.IPV4));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertOk(decode(v6, LinkType.IPV6));
        assertFlow(17, "2001:db8::1", 1, "2001:db8::2", 2);
        assertMalformed(decode(v6, LinkType.IPV4), MalformedReason.BAD_IP_VERSION);
    }

    @Test
    void nullLoopbackInBothByteOrders() {
        byte[] v4 = tcpV4(ACK, HELLO);
        for (boolean little : new boolean[] {true, false}) {
            byte[] frame = loopback(2, little, v4);
            assertOk(decode(frame, LinkType.NULL));
            assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
            assertPayloadAtEnd(frame, HELLO.length);
            for (int af6 : new int[] {10, 24, 28, 30}) {
                byte[] v6 = loopback(af6, little, ipv6(PROTO_TCP, "::1", "::1", tcp(5000, 6000, SYN, new byte[0])));
                assertOk(decode(v6, LinkType.NULL));
                assertFlow(6, "::1", 5000, "::1", 6000);
            }
        }
        assertOk(decode(loopback(2, false, v4), LinkType.LOOP));
        assertThat(decode(loopback(7, true, v4), LinkType.NULL)).isEqualTo(PacketDecoder.NOT_IP);
    }

    @Test
    void pppWithAndWithoutCompression() {
        byte[] v4 = tcpV4(ACK, HELLO);
        byte[] full = bytes().u8(0xFF).u8(0x03).u16(0x0021).bytes(v4).build();
        assertOk(decode(full, LinkType.PPP));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertPayloadAtEnd(full, HELLO.length);
        assertOk(decode(full, LinkType.PPP_HDLC));

        byte[] compressed = bytes().u8(0x21).bytes(v4).build(); // no address/control, 1-byte protocol
        assertOk(decode(compressed, LinkType.PPP));
        assertPayloadAtEnd(compressed, HELLO.length);

        byte[] v6 = bytes().u16(0x0057).bytes(ipv6(PROTO_UDP, "2001:db8::1", "2001:db8::2",
                udp(1, 2, HELLO))).build();
        assertOk(decode(v6, LinkType.PPP));
        assertFlow(17, "2001:db8::1", 1, "2001:db8::2", 2);

        byte[] lcp = bytes().u8(0xFF).u8(0x03).u16(0xC021).zeros(8).build();
        assertThat(decode(lcp, LinkType.PPP)).isEqualTo(PacketDecoder.NOT_IP);

        byte[] hdlc = bytes().u8(0x0F).u8(0).u16(ETHERTYPE_IPV4).bytes(v4).build();
        assertOk(decode(hdlc, LinkType.C_HDLC));
        assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
    }

    // ---------------------------------------------------------------- malformed input

    /** One frame (and its link type) per reason; the test below fails if a reason has none. */
    private static Map<MalformedReason, Object[]> malformedCases() {
        Map<MalformedReason, Object[]> m = new EnumMap<>(MalformedReason.class);
        m.put(MalformedReason.TRUNCATED_LINK_HEADER, new Object[] {new byte[10], LinkType.ETHERNET});
        byte[] vlans = tcpV4(ACK, HELLO);
        for (int i = 0; i < 9; i++) {
            vlans = vlanTag(i + 1, i == 0 ? ETHERTYPE_IPV4 : ETHERTYPE_VLAN, vlans);
        }
        m.put(MalformedReason.VLAN_STACK_TOO_DEEP, new Object[] {ethernet(ETHERTYPE_VLAN, vlans), LinkType.ETHERNET});
        byte[] labels = tcpV4(ACK, HELLO);
        for (int i = 0; i < 17; i++) {
            labels = mpls(100 + i, false, labels);
        }
        m.put(MalformedReason.MPLS_STACK_TOO_DEEP, new Object[] {ethernet(ETHERTYPE_MPLS, labels), LinkType.ETHERNET});
        m.put(MalformedReason.TRUNCATED_IP_HEADER, new Object[] {ethernet(ETHERTYPE_IPV4, Arrays.copyOf(tcpV4(ACK, HELLO), 19)),
                LinkType.ETHERNET});
        byte[] v5 = tcpV4(ACK, HELLO);
        v5[0] = 0x55;
        m.put(MalformedReason.BAD_IP_VERSION, new Object[] {v5, LinkType.RAW});
        byte[] ihl4 = tcpV4(ACK, HELLO);
        ihl4[0] = 0x44;
        m.put(MalformedReason.BAD_IP_HEADER_LENGTH, new Object[] {ethernet(ETHERTYPE_IPV4, ihl4), LinkType.ETHERNET});
        byte[] shortTotal = tcpV4(ACK, HELLO);
        shortTotal[2] = 0;
        shortTotal[3] = 19;
        m.put(MalformedReason.BAD_IP_TOTAL_LENGTH, new Object[] {ethernet(ETHERTYPE_IPV4, shortTotal), LinkType.ETHERNET});
        byte[] ext = tcp(1, 2, ACK, HELLO);
        for (int i = 0; i < 17; i++) {
            ext = ipv6Options(i == 0 ? PROTO_TCP : 60, ext);
        }
        m.put(MalformedReason.BAD_IPV6_EXTENSION_HEADER, new Object[] {ipv6(60, "2001:db8::1", "2001:db8::2", ext), LinkType.IPV6});
        byte[] deep = tcpV4(ACK, HELLO);
        for (int i = 0; i < 5; i++) {
            deep = ipv4(PROTO_IPIP, "10.0.0." + (10 + i), "10.0.1." + (10 + i), deep);
        }
        m.put(MalformedReason.TUNNEL_TOO_DEEP, new Object[] {deep, LinkType.RAW});
        byte[] cutTcp = ethernet(ETHERTYPE_IPV4, tcpV4(ACK, HELLO));
        m.put(MalformedReason.TRUNCATED_L4_HEADER, new Object[] {Arrays.copyOf(cutTcp, 14 + 20 + 10), LinkType.ETHERNET});
        m.put(MalformedReason.BAD_TCP_HEADER_LENGTH, new Object[] {ethernet(ETHERTYPE_IPV4,
                ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", tcp(1, 2, ACK, 4, new byte[0], HELLO))), LinkType.ETHERNET});
        m.put(MalformedReason.BAD_UDP_LENGTH, new Object[] {ethernet(ETHERTYPE_IPV4,
                ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2", new byte[4])), LinkType.ETHERNET});
        return m;
    }

    @Test
    void everyMalformedReasonIsReachable() {
        Map<MalformedReason, Object[]> cases = malformedCases();
        assertThat(cases.keySet()).containsExactlyInAnyOrder(MalformedReason.values());
        for (var e : cases.entrySet()) {
            byte[] frame = (byte[]) e.getValue()[0];
            int link = (int) e.getValue()[1];
            assertThat(reasonName(decode(frame, link))).as("frame for %s", e.getKey()).isEqualTo(e.getKey().name());
            assertThat(e.getKey().label()).isEqualTo(e.getKey().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void truncatedHeadersAtEveryLength() {
        // Every prefix of a valid frame decodes to OK or a reason, never an exception, and never reads past its end.
        byte[][] frames = {
                ethernet(ETHERTYPE_VLAN, vlanTag(9, ETHERTYPE_IPV4, tcpV4(ACK, HELLO))),
                ethernet(ETHERTYPE_IPV6, ipv6(0, "2001:db8::1", "2001:db8::2", ipv6Options(44,
                        ipv6Fragment(PROTO_UDP, 0, true, 1, udp(1, 2, HELLO))))),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2",
                        udp(2152, 2152, gtpuWithExtension(1, tcpV4(ACK, HELLO))))),
                ethernet(ETHERTYPE_MPLS, mpls(1, true, new byte[4])),
        };
        for (byte[] full : frames) {
            for (int n = 0; n <= full.length; n++) {
                byte[] cut = Arrays.copyOf(full, n);
                int result = decode(cut, LinkType.ETHERNET);
                assertThat(result).as("prefix of %d bytes", n).isBetween(PacketDecoder.NOT_IP, MalformedReason.values().length - 1);
                if (result == PacketDecoder.OK && p.payloadCaptured > 0) {
                    assertThat(p.payloadOffset + p.payloadCaptured).as("prefix of %d bytes", n).isLessThanOrEqualTo(n);
                }
            }
        }
        assertMalformed(decode(new byte[15], LinkType.LINUX_SLL), MalformedReason.TRUNCATED_LINK_HEADER);
        assertMalformed(decode(new byte[19], LinkType.LINUX_SLL2), MalformedReason.TRUNCATED_LINK_HEADER);
        assertMalformed(decode(new byte[3], LinkType.NULL), MalformedReason.TRUNCATED_LINK_HEADER);
        assertMalformed(decode(new byte[0], LinkType.PPP), MalformedReason.TRUNCATED_LINK_HEADER);
        assertMalformed(decode(new byte[0], LinkType.RAW), MalformedReason.TRUNCATED_IP_HEADER);
        assertMalformed(decode(ethernet(ETHERTYPE_VLAN, new byte[3]), LinkType.ETHERNET), MalformedReason.TRUNCATED_LINK_HEADER);
        assertMalformed(decode(ethernet(ETHERTYPE_PPPOE, new byte[7]), LinkType.ETHERNET), MalformedReason.TRUNCATED_LINK_HEADER);
        assertMalformed(decode(ethernet(ETHERTYPE_IPV6, new byte[39]), LinkType.ETHERNET), MalformedReason.TRUNCATED_IP_HEADER);
    }

    @Test
    void badLengths() {
        // IHL says 60 bytes of header, 40 captured
        byte[] longIhl = tcpV4(ACK, new byte[0]);
        longIhl[0] = 0x4F;
        assertMalformed(decode(longIhl, LinkType.RAW), MalformedReason.TRUNCATED_IP_HEADER);
        // TCP data offset 15 (60 bytes) in a packet whose IP length leaves 20 + 11 bytes
        byte[] longTcp = ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", tcp(1, 2, ACK, 15, new byte[0], HELLO));
        assertMalformed(decode(longTcp, LinkType.RAW), MalformedReason.BAD_TCP_HEADER_LENGTH);
        // IP length leaves 12 bytes for TCP
        assertMalformed(decode(ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", new byte[12]), LinkType.RAW),
                MalformedReason.BAD_TCP_HEADER_LENGTH);
        // TCP header cut by the snaplen, not by the IP length
        byte[] v6 = ipv6(PROTO_TCP, "2001:db8::1", "2001:db8::2", tcp(1, 2, ACK, HELLO));
        assertMalformed(decode(Arrays.copyOf(v6, 40 + 10), LinkType.RAW), MalformedReason.TRUNCATED_L4_HEADER);
        // UDP header cut by the snaplen
        byte[] u = ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2", udp(1, 2, HELLO));
        assertMalformed(decode(Arrays.copyOf(u, 26), LinkType.RAW), MalformedReason.TRUNCATED_L4_HEADER);
        // IPv6 extension header longer than the payload length
        byte[] ext = ipv6(0, "2001:db8::1", "2001:db8::2", bytes().u8(PROTO_TCP).u8(10).zeros(6).build());
        assertMalformed(decode(ext, LinkType.RAW), MalformedReason.BAD_IPV6_EXTENSION_HEADER);
        // inner IPv4 of an IP-in-IP tunnel with total length 0 (only the outermost header may say 0, for TSO)
        byte[] inner = tcpV4(ACK, HELLO);
        inner[2] = 0;
        inner[3] = 0;
        assertMalformed(decode(ipv4(PROTO_IPIP, "1.1.1.1", "2.2.2.2", inner), LinkType.RAW), MalformedReason.BAD_IP_TOTAL_LENGTH);
        // ... while an outer total length of 0 is taken from the capture
        byte[] tso = tcpV4(ACK, HELLO);
        tso[2] = 0;
        tso[3] = 0;
        assertOk(decode(tso, LinkType.RAW));
        assertThat(p.payloadLength).isEqualTo(HELLO.length);
        // SCTP common header cut short by the IP length
        assertMalformed(decode(ipv4(PROTO_SCTP, "10.0.0.1", "10.0.0.2", new byte[8]), LinkType.RAW),
                MalformedReason.BAD_IP_TOTAL_LENGTH);
        // a 4-byte GRE header with nothing behind it keeps the outer flow
        assertOk(decode(ipv4(PROTO_GRE, "1.1.1.1", "2.2.2.2", bytes().u16(0).u16(ETHERTYPE_IPV4).build()), LinkType.RAW));
        assertFlow(47, "1.1.1.1", 0, "2.2.2.2", 0);
    }

    @Test
    void aValidFrameDecodesAfterABadOne() {
        byte[] good = ethernet(ETHERTYPE_IPV4, tcpV4(ACK, HELLO));
        byte[] tagged = ethernet(ETHERTYPE_QINQ, vlanTag(10, ETHERTYPE_VLAN, vlanTag(20, ETHERTYPE_MPLS,
                mpls(99, true, ipv4(PROTO_GRE, "9.9.9.9", "8.8.8.8", greWithKey(ETHERTYPE_IPV4, 1, tcpV4(SYN, new byte[0])))))));
        assertOk(decodeEthernet(tagged));
        assertThat(p.vlanOuter).isEqualTo(10);
        assertThat(p.mplsLabel).isEqualTo(99);
        assertThat(p.tunnelType).isEqualTo(TunnelType.GRE.ordinal());
        for (var e : malformedCases().entrySet()) {
            byte[] bad = (byte[]) e.getValue()[0];
            assertThat(decode(bad, (int) e.getValue()[1])).isEqualTo(e.getKey().ordinal());
            assertOk(decodeEthernet(good));
            assertFlow(6, "10.0.0.1", 40000, "10.0.0.2", 80);
            assertThat(p.vlanOuter).isZero();
            assertThat(p.vlanInner).isZero();
            assertThat(p.mplsLabel).isEqualTo(-1);
            assertThat(p.mplsDepth).isZero();
            assertThat(p.tunnelType).isZero();
            assertThat(p.fragment).isFalse();
            assertPayloadAtEnd(good, HELLO.length);
        }
    }
}
