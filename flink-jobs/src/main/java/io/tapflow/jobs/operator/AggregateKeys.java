package io.tapflow.jobs.operator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys for keyBy as {@link BinaryKey}s: the key columns packed into bytes (cheap to hash, compare and serialize).
 * Window functions decode the key back into the row's columns, so no operator keeps a reference to an input element
 * (safe with object reuse on).
 */
public final class AggregateKeys {
    private AggregateKeys() {
    }

    /** link, L4 protocol, application, service port, source and destination address. */
    public static BinaryKey flowKey(String linkId, int l4Proto, String app, int servicePort, byte[] srcAddr,
                                    byte[] dstAddr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        writeString(out, linkId);
        out.write(l4Proto);
        writeString(out, app);
        out.write(servicePort >>> 8);
        out.write(servicePort);
        out.writeBytes(srcAddr);
        out.writeBytes(dstAddr);
        return new BinaryKey(out.toByteArray());
    }

    public static BinaryKey linkKey(String linkId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        writeString(out, linkId);
        return new BinaryKey(out.toByteArray());
    }

    public static String decodeLinkKey(BinaryKey key) {
        return readString(key.bytes(), new int[] {0});
    }

    /** Fills the key columns of {@code row} from a {@link #flowKey}. */
    public static FlowAggregateRow decodeFlowKey(BinaryKey key, FlowAggregateRow row) {
        byte[] b = key.bytes();
        int[] pos = {0};
        row.linkId = readString(b, pos);
        row.l4Proto = b[pos[0]++] & 0xFF;
        row.app = readString(b, pos);
        row.servicePort = ((b[pos[0]] & 0xFF) << 8) | (b[pos[0] + 1] & 0xFF);
        pos[0] += 2;
        row.srcAddr = Arrays.copyOfRange(b, pos[0], pos[0] + 16);
        row.dstAddr = Arrays.copyOfRange(b, pos[0] + 16, pos[0] + 32);
        return row;
    }

    /** link and one host address. */
    public static BinaryKey hostKey(String linkId, byte[] addr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(40);
        writeString(out, linkId);
        out.writeBytes(addr);
        return new BinaryKey(out.toByteArray());
    }

    public static HostTotal decodeHostKey(BinaryKey key, HostTotal host) {
        byte[] b = key.bytes();
        int[] pos = {0};
        host.linkId = readString(b, pos);
        host.addr = Arrays.copyOfRange(b, pos[0], pos[0] + 16);
        return host;
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.write(utf8.length >>> 8);
        out.write(utf8.length);
        out.writeBytes(utf8);
    }

    private static String readString(byte[] b, int[] pos) {
        int len = ((b[pos[0]] & 0xFF) << 8) | (b[pos[0] + 1] & 0xFF);
        String s = new String(b, pos[0] + 2, len, StandardCharsets.UTF_8);
        pos[0] += 2 + len;
        return s;
    }
}
