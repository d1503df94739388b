package io.tapflow.classifier.dissect;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Removes QUIC Initial packet protection (RFC 9001 §5): keys from HKDF over the client's Destination Connection ID
 * with the version's public salt, AES-ECB header protection, AES-128-GCM payload. v1 and draft-29. Anyone can do
 * this; it is how a middlebox reads the ClientHello's SNI.
 */
final class QuicInitialDecryptor {
    static final int V1 = 0x00000001;
    static final int DRAFT_29 = 0xff00001d;
    private static final byte[] SALT_V1 = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    private static final byte[] SALT_DRAFT_29 = hex("afbfec289993d24c9e9786f19c6111e04390a899");

    private final Mac hmac;
    private final Cipher ecb;
    private final Cipher gcm;

    QuicInitialDecryptor() {
        try {
            hmac = Mac.getInstance("HmacSHA256");
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without HmacSHA256/AES-GCM", e);
        }
    }

    static boolean supported(int version) {
        return version == V1 || version == DRAFT_29 || (version & 0xffffff00) == 0xff000000 && (version & 0xff) >= 27;
    }

    /**
     * Decrypts the Initial packet at {@code b[o..end)} in place of {@code out}; returns the plaintext length or -1.
     * @param pnOffset offset of the (protected) packet number in b
     * @param payloadEnd end of this packet (header length field)
     */
    int decrypt(byte[] b, int o, int pnOffset, int payloadEnd, int version, byte[] dcid, byte[] out) {
        try {
            byte[][] keys = clientKeys(version, dcid);
            byte[] key = keys[0];
            byte[] iv = keys[1];
            byte[] hp = keys[2];
            if (pnOffset + 4 + 16 > payloadEnd) {
                return -1;
            }
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hp, "AES"));
            byte[] mask = ecb.doFinal(b, pnOffset + 4, 16);
            int first = (b[o] ^ (mask[0] & 0x0f)) & 0xFF;
            int pnLen = (first & 3) + 1;
            int headerLen = pnOffset + pnLen - o;
            byte[] aad = new byte[headerLen];
            System.arraycopy(b, o, aad, 0, headerLen);
            aad[0] = (byte) first;
            long pn = 0;
            for (int i = 0; i < pnLen; i++) {
                aad[pnOffset - o + i] ^= mask[1 + i];
                pn = pn << 8 | (aad[pnOffset - o + i] & 0xFF);
            }
            byte[] nonce = iv.clone();
            for (int i = 0; i < 8; i++) {
                nonce[11 - i] ^= (byte) (pn >>> (8 * i));
            }
            int ctOff = pnOffset + pnLen;
            int ctLen = payloadEnd - ctOff;
            if (ctLen < 16 || ctLen - 16 > out.length) {
                return -1;
            }
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad);
            return gcm.doFinal(b, ctOff, ctLen, out, 0);
        } catch (GeneralSecurityException | RuntimeException e) {
            return -1; // not an Initial we can open (wrong version guess, corrupted, truncated)
        }
    }

    /** The client's Initial key, IV and header-protection key for this version and Destination Connection ID. */
    byte[][] clientKeys(int version, byte[] dcid) throws GeneralSecurityException {
        byte[] salt = version == V1 ? SALT_V1 : SALT_DRAFT_29;
        byte[] client = expandLabel(extract(salt, dcid), "client in", 32);
        return new byte[][] {expandLabel(client, "quic key", 16), expandLabel(client, "quic iv", 12), expandLabel(client, "quic hp", 16)};
    }

    private byte[] extract(byte[] salt, byte[] ikm) throws GeneralSecurityException {
        hmac.init(new SecretKeySpec(salt, "HmacSHA256"));
        return hmac.doFinal(ikm);
    }

    /** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context; lengths here are ≤ 32, so one HMAC block. */
    private byte[] expandLabel(byte[] secret, String label, int length) throws GeneralSecurityException {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + full.length + 1 + 1];
        info[0] = (byte) (length >> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        info[3 + full.length] = 0; // context length
        info[4 + full.length] = 1; // HKDF-Expand block counter
        hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] t = hmac.doFinal(info);
        byte[] r = new byte[length];
        System.arraycopy(t, 0, r, 0, length);
        return r;
    }

    private static byte[] hex(String s) {
        byte[] r = new byte[s.length() / 2];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return r;
    }
}
