package io.tapflow.classifier.dissect;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds well-formed TLS ClientHellos for tests: record + handshake header, SNI, ALPN, groups, versions, GREASE. */
final class TlsSeeds {
    private TlsSeeds() {
    }

    static byte[] clientHello(String sni) {
        return record(handshake(clientHelloBody(sni)));
    }

    static byte[] clientHelloBody(String sni) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, 0x0303);
        b.writeBytes(new byte[32]);
        b.write(0);
        byte[] ciphers = {0x0a, 0x0a, 0x13, 0x01, 0x13, 0x02, (byte) 0xc0, 0x2f};
        u16(b, ciphers.length);
        b.writeBytes(ciphers);
        b.write(1);
        b.write(0);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        byte[] host = sni.getBytes(StandardCharsets.US_ASCII);
        u16(ext, 0x0a0a); // GREASE extension
        u16(ext, 0);
        u16(ext, 0x0000);
        u16(ext, host.length + 5);
        u16(ext, host.length + 3);
        ext.write(0);
        u16(ext, host.length);
        ext.writeBytes(host);
        u16(ext, 0x000a);
        u16(ext, 6);
        u16(ext, 4);
        u16(ext, 0x001d);
        u16(ext, 0x0017);
        u16(ext, 0x000b);
        u16(ext, 2);
        ext.write(1);
        ext.write(0);
        u16(ext, 0x000d);
        u16(ext, 6);
        u16(ext, 4);
        u16(ext, 0x0403);
        u16(ext, 0x0804);
        u16(ext, 0x0010);
        u16(ext, 5);
        u16(ext, 3);
        ext.write(2);
        ext.writeBytes("h2".getBytes(StandardCharsets.US_ASCII));
        u16(ext, 0x002b);
        u16(ext, 5);
        ext.write(4);
        u16(ext, 0x0304);
        u16(ext, 0x0303);
        byte[] e = ext.toByteArray();
        u16(b, e.length);
        b.writeBytes(e);
        return b.toByteArray();
    }

    static byte[] handshake(byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1);
        b.write(body.length >> 16);
        b.write(body.length >> 8);
        b.write(body.length);
        b.writeBytes(body);
        return b.toByteArray();
    }

    static byte[] record(byte[] handshake) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(22);
        u16(b, 0x0301);
        u16(b, handshake.length);
        b.writeBytes(handshake);
        return b.toByteArray();
    }

    private static void u16(ByteArrayOutputStream b, int v) {
        b.write(v >> 8);
        b.write(v);
    }
}
