package io.tapflow.jobs.operator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys for keyBy as {@link BinaryKey}s: the key columns packed into bytes (cheap to hash, compare and serialize).
 * Window functions decode the key back into the row's columns, so no operator keeps a reference to an input element
 * (safe with object reuse on).
 */
public final class AggregateKeys {
    private static final byte[] EMPTY = new byte[0];

    private AggregateKeys() {
    }

    /**
     * link, L4 protocol, application, service port, source and destination address. The link comes as its
     * {@link #linkKey}, which callers keep while the link stays the same (it is the prefix of every key of the link).
     */
    public static BinaryKey flowKey(BinaryKey link, int l4Proto, String app, int servicePort, byte[] srcAddr,
                                    byte[] dstAddr) {
        byte[] prefix = link.bytes();
        byte[] appUtf8 = app.isEmpty() ? EMPTY : app.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[prefix.length + 1 + 2 + appUtf8.length + 2 + 32];
        int at = put(key, 0, prefix);
        key[at++] = (byte) l4Proto;
        key[at++] = (byte) (appUtf8.length >>> 8);
        key[at++] = (byte) appUtf8.length;
        at = put(key, at, appUtf8);
        key[at++] = (byte) (servicePort >>> 8);
        key[at++] = (byte) servicePort;
        put(key, put(key, at, srcAddr), dstAddr);
        return new BinaryKey(key);
    }

    public static BinaryKey linkKey(String linkId) {
        byte[] utf8 = linkId.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[2 + utf8.length];
        key[0] = (byte) (utf8.length >>> 8);
        key[1] = (byte) utf8.length;
        put(key, 2, utf8);
        return new BinaryKey(key);
    }

    private static int put(byte[] into, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, into, at, bytes.length);
        return at + bytes.length;
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

    /** link (its {@link #linkKey}) and one host address. */
    public static BinaryKey hostKey(BinaryKey link, byte[] addr) {
        byte[] prefix = link.bytes();
        byte[] key = new byte[prefix.length + addr.length];
        put(key, put(key, 0, prefix), addr);
        return new BinaryKey(key);
    }

    public static HostTotal decodeHostKey(BinaryKey key, HostTotal host) {
        byte[] b = key.bytes();
        int[] pos = {0};
        host.linkId = readString(b, pos);
        host.addr = Arrays.copyOfRange(b, pos[0], pos[0] + 16);
        return host;
    }

    private static String readString(byte[] b, int[] pos) {
        int len = ((b[pos[0]] & 0xFF) << 8) | (b[pos[0] + 1] & 0xFF);
        String s = new String(b, pos[0] + 2, len, StandardCharsets.UTF_8);
        pos[0] += 2 + len;
        return s;
    }
}
