package io.tapflow.agent.decode;

import static io.tapflow.agent.testing.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.source.LinkType;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decoder's fast path for Ethernet frames must agree with its general path on every frame, valid or not. The
 * general path is reached through Cisco HDLC framing, whose 4-byte header ends in the same EtherType an Ethernet
 * header does: the same bytes after it must decode alike, payload offset aside.
 */
class FastPathEquivalenceTest {
    private static final int HDLC_SHIFT = 14 - 4;

    private final PacketDecoder decoder = new PacketDecoder();

    @Test
    void fastPathAgreesWithGeneralPathOnMutatedFrames() throws IllegalAccessException {
        byte[] payload = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<byte[]> seeds = List.of(
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", tcp(1234, 80, ACK | PSH, payload))),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2", udp(5353, 53, payload))),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_UDP, "10.0.0.1", "10.0.0.2", udp(5353, 4789, payload))),
                ethernet(ETHERTYPE_IPV4, ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", new byte[] {1, 1, 1, 1}, 0x2000, 7,
                        tcp(1, 2, SYN, payload))),
                ethernet(ETHERTYPE_VLAN, vlanTag(42, ETHERTYPE_IPV4, ipv4(PROTO_TCP, "10.0.0.1", "10.0.0.2", tcp(1, 2, FIN, payload)))),
                ethernet(ETHERTYPE_IPV6, ipv6(PROTO_TCP, "2001:db8::1", "2001:db8::2", tcp(443, 50000, ACK, payload))),
                ethernet(ETHERTYPE_IPV6, ipv6(PROTO_UDP, "2001:db8::1", "2001:db8::2", udp(2152, 2152, payload))),
                ethernet(ETHERTYPE_VLAN, vlanTag(7, ETHERTYPE_IPV6, ipv6(PROTO_UDP, "2001:db8::1", "2001:db8::2", udp(1, 2, payload)))),
                ethernet(ETHERTYPE_IPV6, ipv6(PROTO_ICMPV6, "2001:db8::1", "2001:db8::2", payload)));
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 200_000; n++) {
            byte[] frame = seeds.get(random.nextInt(seeds.size())).clone();
            int flips = random.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = random.nextInt(Math.min(frame.length, 72));
                frame[at] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : (byte) (frame[at] ^ (1 << random.nextInt(8)));
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(frame.length + 1) : frame.length;
            if (length < 14 || (((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF)) <= 1500) {
                continue; // no EtherType: nothing HDLC framing could carry alike
            }
            frame = Arrays.copyOf(frame, length);
            DecodedPacket fast = new DecodedPacket();
            int fastResult = decoder.decode(MemorySegment.ofArray(frame), 0, frame.length, LinkType.ETHERNET, fast);
            byte[] hdlc = new byte[frame.length - HDLC_SHIFT];
            hdlc[0] = 0x0F;
            System.arraycopy(frame, 12, hdlc, 2, frame.length - 12);
            DecodedPacket general = new DecodedPacket();
            int generalResult = decoder.decode(MemorySegment.ofArray(hdlc), 0, hdlc.length, LinkType.C_HDLC, general);
            if (general.payloadOffset != 0) {
                general.payloadOffset += HDLC_SHIFT;
            }
            assertThat(fastResult).as("result, frame %d", n).isEqualTo(generalResult);
            for (Field f : DecodedPacket.class.getDeclaredFields()) {
                if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    assertThat(f.get(fast)).as("%s, frame %d: %s", f.getName(), n, java.util.HexFormat.of().formatHex(frame))
                            .isEqualTo(f.get(general));
                }
            }
        }
    }
}
