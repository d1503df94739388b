package io.tapflow.classifier.dissect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.Classifier;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.Hex;
import io.tapflow.classifier.util.Bytes;
import io.tapflow.classifier.verdict.Verdict;
import java.io.ByteArrayOutputStream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class QuicDissectorTest {
    private static final byte[] RFC9001_DCID = Hex.bytes("8394c8f03e515708");

    /** RFC 9001 Appendix A.1: the client Initial keys for DCID 0x8394c8f03e515708. */
    @Test
    void derivesTheRfc9001ClientKeys() throws Exception {
        byte[][] k = new QuicInitialDecryptor().clientKeys(QuicInitialDecryptor.V1, RFC9001_DCID);
        assertThat(Bytes.hex(k[0])).isEqualTo("1f369613dd76d5467730efcbe3b1a22d");
        assertThat(Bytes.hex(k[1])).isEqualTo("fa044b2f42a3fd3b46fb255c");
        assertThat(Bytes.hex(k[2])).isEqualTo("9f50449e04a0e810283a1e9933adedd2");
    }

    @Test
    void decryptsAnInitialAndReadsTheSni() throws Exception {
        byte[] hello = TlsSeeds.handshake(TlsSeeds.clientHelloBody("www.youtube.com"));
        byte[] packet = initial(QuicInitialDecryptor.V1, RFC9001_DCID, hello);
        Classifier c = ClassifierEngine.defaults().newClassifier().start(17, 50000, 443);
        assertThat(c.feed(Packet.TO_SERVER, packet, 0, packet.length)).isTrue();
        Verdict v = c.verdict();
        assertThat(v.label()).isEqualTo("QUIC.YouTube");
        assertThat(v.serverName()).isEqualTo("www.youtube.com");
        assertThat(v.ja4()).startsWith("q13d0306h2_");
    }

    @Test
    void aClientHelloSplitOverTwoInitialsIsReassembled() throws Exception {
        byte[] hello = TlsSeeds.handshake(TlsSeeds.clientHelloBody("mail.google.com"));
        int half = hello.length / 2;
        byte[] second = initialFrames(QuicInitialDecryptor.DRAFT_29, RFC9001_DCID, cryptoFrame(half, hello, half, hello.length - half), 1);
        byte[] first = initialFrames(QuicInitialDecryptor.DRAFT_29, RFC9001_DCID, cryptoFrame(0, hello, 0, half), 0);
        Classifier c = ClassifierEngine.defaults().newClassifier().start(17, 50000, 443);
        assertThat(c.feed(Packet.TO_SERVER, second, 0, second.length)).isFalse(); // out of order: the start is missing
        assertThat(c.feed(Packet.TO_SERVER, first, 0, first.length)).isTrue();
        assertThat(c.verdict().label()).isEqualTo("QUIC.GMail");
    }

    @Test
    void garbageAfterAValidHeaderIsNotAMatch() {
        byte[] packet = Hex.bytes("c3 00000001 08 8394c8f03e515708 00 00 4400" + "5a".repeat(1200));
        Classifier c = ClassifierEngine.defaults().newClassifier().start(17, 50000, 443);
        c.feed(Packet.TO_SERVER, packet, 0, packet.length);
        assertThat(c.verdict().serverName()).isEmpty();
    }

    private static byte[] cryptoFrame(int offset, byte[] data, int from, int len) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x06);
        varint(b, offset);
        varint(b, len);
        b.write(data, from, len);
        return b.toByteArray();
    }

    static byte[] initial(int version, byte[] dcid, byte[] hello) throws Exception {
        return initialFrames(version, dcid, cryptoFrame(0, hello, 0, hello.length), 0);
    }

    /** Builds a protected client Initial (RFC 9001 §5) around the frames, padded to 1200 bytes. */
    static byte[] initialFrames(int version, byte[] dcid, byte[] frames, int pn) throws Exception {
        byte[][] keys = new QuicInitialDecryptor().clientKeys(version, dcid);
        int payloadLen = 1100;
        byte[] plain = new byte[payloadLen];
        System.arraycopy(frames, 0, plain, 0, frames.length); // the rest is PADDING (0x00)
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(0xc1); // long header, Initial, 2-byte packet number
        h.write(version >>> 24);
        h.write(version >>> 16);
        h.write(version >>> 8);
        h.write(version);
        h.write(dcid.length);
        h.write(dcid, 0, dcid.length);
        h.write(0); // SCID length
        h.write(0); // token length
        int length = 2 + payloadLen + 16;
        h.write(0x40 | (length >> 8));
        h.write(length & 0xFF);
        int pnOffset = h.size();
        h.write(pn >> 8);
        h.write(pn);
        byte[] header = h.toByteArray();
        byte[] nonce = keys[1].clone();
        nonce[11] ^= (byte) pn;
        nonce[10] ^= (byte) (pn >> 8);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys[0], "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(header);
        byte[] ct = gcm.doFinal(plain);
        byte[] packet = new byte[header.length + ct.length];
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(ct, 0, packet, header.length, ct.length);
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys[2], "AES"));
        byte[] mask = ecb.doFinal(packet, pnOffset + 4, 16);
        packet[0] ^= (byte) (mask[0] & 0x0f);
        packet[pnOffset] ^= mask[1];
        packet[pnOffset + 1] ^= mask[2];
        return packet;
    }

    private static void varint(ByteArrayOutputStream b, int v) {
        b.write(0x40 | (v >> 8));
        b.write(v & 0xFF);
    }
}
