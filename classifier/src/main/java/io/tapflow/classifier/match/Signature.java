package io.tapflow.classifier.match;

import java.util.Arrays;

/**
 * One literal payload signature: {@code bytes} found at {@code offset} (or anywhere when {@link #ANYWHERE}), on TCP,
 * UDP or any transport, compared case-blind for ASCII letters when {@code nocase}. Literal on purpose: every engine
 * then reports exactly the same (id, position) pairs.
 *
 * @param id 1..{@value #MAX_ID}, unique in its set (the agent keeps ids in 16 bits per flow)
 * @param protocol the protocol the signature indicates, in nDPI's spelling (names a dissector or a catalog entry)
 * @param l4proto 6 (TCP), 17 (UDP) or 0 (any)
 * @param offset where the pattern must start in the payload, or {@link #ANYWHERE}
 */
public record Signature(int id, String protocol, int l4proto, int offset, boolean nocase, byte[] bytes) {
    public static final int ANYWHERE = -1;
    public static final int MAX_ID = 65_535;
    /** Longer patterns are no signature of a protocol, and payload samples are short. */
    public static final int MAX_LENGTH = 255;
    /** A fixed offset beyond the bytes any sample keeps would never match. */
    public static final int MAX_OFFSET = 4096;

    public Signature {
        if (id < 1 || id > MAX_ID) {
            throw new IllegalArgumentException("signature id must be 1.." + MAX_ID + ": " + id);
        }
        if (l4proto != 0 && l4proto != 6 && l4proto != 17) {
            throw new IllegalArgumentException("signature transport must be 6, 17 or 0 (any): " + l4proto);
        }
        if (offset != ANYWHERE && (offset < 0 || offset > MAX_OFFSET)) {
            throw new IllegalArgumentException("signature offset must be 0.." + MAX_OFFSET + ": " + offset);
        }
        if (bytes.length == 0 || bytes.length > MAX_LENGTH) {
            throw new IllegalArgumentException("signature pattern must have 1.." + MAX_LENGTH + " bytes: " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** Whether the signature applies to a payload of this L4 protocol. */
    public boolean appliesTo(int l4) {
        return l4proto == 0 || l4proto == l4;
    }

    public boolean anchored() {
        return offset != ANYWHERE;
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether the pattern occurs at {@code pos} of {@code buf} (position rule aside). */
    boolean matchesAt(byte[] buf, int pos) {
        if (pos < 0 || pos + bytes.length > buf.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            byte a = buf[pos + i];
            byte b = bytes[i];
            if (a != b && !(nocase && Ascii.fold(a) == Ascii.fold(b))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signature s && s.id == id && s.protocol.equals(protocol) && s.l4proto == l4proto
                && s.offset == offset && s.nocase == nocase && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return id + " " + protocol + " " + (l4proto == 6 ? "tcp" : l4proto == 17 ? "udp" : "any") + " "
                + (anchored() ? "offset=" + offset : "anywhere") + (nocase ? " nocase " : " ") + SignatureSet.escape(bytes);
    }
}
