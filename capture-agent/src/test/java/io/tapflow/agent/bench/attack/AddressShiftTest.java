package io.tapflow.agent.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Repeats move onto other addresses and their frames stay valid: checksums verified from scratch after the shift. */
class AddressShiftTest {
    private static final int L3 = 14;

    private static byte[] frame(SyntheticPackets p) {
        byte[] f = new byte[1514];
        p.frame(0, f);
        return f;
    }

    private static int tcpChecksumResidue(byte[] f, int length) {
        int ipLength = BackgroundCapture.u16(f, L3 + 2);
        int l4 = ipLength - 20;
        int src = (int) u32(f, L3 + 12);
        int dst = (int) u32(f, L3 + 16);
        int pseudo = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + (f[L3 + 9] & 0xFF) + l4;
        return SyntheticPackets.sum(f, L3 + 20, l4, pseudo);
    }

    private static long u32(byte[] f, int off) {
        return (long) BackgroundCapture.u16(f, off) << 16 | BackgroundCapture.u16(f, off + 2);
    }

    @Test
    void aRepeatMovesTheSecondByteOfBothUnicastAddressesAndKeepsBothChecksumsValid() {
        SyntheticPackets p = new SyntheticPackets();
        p.tcp(0, 0x0A00_020F, 40_000, 0xC0A8_0101, 6881, SyntheticPackets.PSH | SyntheticPackets.ACK, 100); // 10.0.2.15 -> 192.168.1.1
        byte[] f = frame(p);
        int length = 14 + 20 + 20 + 100;
        assertThat(SyntheticPackets.sum(f, L3, 20, 0)).isEqualTo(0xFFFF); // valid before
        assertThat(tcpChecksumResidue(f, length)).isEqualTo(0xFFFF);

        AddressShift.apply(f, length, L3, 3);

        assertThat(u32(f, L3 + 12)).isEqualTo(0x0A03_020FL); // 10.3.2.15
        assertThat(u32(f, L3 + 16)).isEqualTo(0xC0AB_0101L); // 192.171.1.1
        assertThat(SyntheticPackets.sum(f, L3, 20, 0)).isEqualTo(0xFFFF);
        assertThat(tcpChecksumResidue(f, length)).isEqualTo(0xFFFF);
    }

    @Test
    void multicastBroadcastAndRepeatZeroAreLeftAlone() {
        SyntheticPackets p = new SyntheticPackets();
        p.udp(0, 0x0A00_02FF, 137, 0xE000_00FB, 5353, 20); // 10.0.2.255 -> 224.0.0.251
        byte[] f = frame(p);
        byte[] before = f.clone();
        AddressShift.apply(f, 14 + 28 + 20, L3, 5);
        assertThat(f).isEqualTo(before);

        SyntheticPackets q = new SyntheticPackets();
        q.udp(0, 0x0A00_0201, 1000, 0x0A00_0202, 2000, 20);
        byte[] g = frame(q);
        byte[] same = g.clone();
        AddressShift.apply(g, 14 + 28 + 20, L3, 256); // 256 wraps to no shift, as documented
        assertThat(g).isEqualTo(same);
    }

    @Test
    void aUdpChecksumOfZeroMeansNoneAndStaysZero() {
        SyntheticPackets p = new SyntheticPackets();
        p.udp(0, 0x0A00_0201, 1000, 0x0A00_0202, 2000, 20);
        byte[] f = frame(p);
        f[L3 + 26] = 0;
        f[L3 + 27] = 0;
        AddressShift.apply(f, 14 + 28 + 20, L3, 1);
        assertThat(BackgroundCapture.u16(f, L3 + 26)).isZero();
        assertThat(SyntheticPackets.sum(f, L3, 20, 0)).isEqualTo(0xFFFF);
    }

    @Test
    void otherLinkTypesBecomeEthernetWithTheirIpHeaderFound() {
        byte[] raw = new byte[28];
        raw[0] = 0x45;
        byte[] eth = BackgroundCapture.asEthernet(raw, io.tapflow.agent.source.LinkType.RAW);
        assertThat(eth).hasSize(14 + 28);
        assertThat(BackgroundCapture.ipOffset(eth)).isEqualTo(14);
        byte[] arpOnSll = new byte[16 + 28];
        arpOnSll[14] = 0x08;
        arpOnSll[15] = 0x06;
        assertThat(BackgroundCapture.asEthernet(arpOnSll, io.tapflow.agent.source.LinkType.LINUX_SLL)).isNull();
        byte[] tagged = new byte[14 + 4 + 20];
        tagged[12] = (byte) 0x81;
        tagged[16] = (byte) 0x86;
        tagged[17] = (byte) 0xDD;
        assertThat(BackgroundCapture.ipOffset(tagged)).isEqualTo(18);
    }
}
