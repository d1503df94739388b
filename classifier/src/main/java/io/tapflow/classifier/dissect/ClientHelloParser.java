package io.tapflow.classifier.dissect;

import static io.tapflow.classifier.util.Bytes.u16;
import static io.tapflow.classifier.util.Bytes.u8;

import io.tapflow.classifier.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Parses a TLS ClientHello handshake body (after the 4-byte handshake header) for TLS over TCP and for QUIC's
 * CRYPTO stream: SNI, ALPN and the JA3 and JA4 fingerprints. Every length is checked against its enclosing one;
 * a bad one makes {@link #parse} return false with nothing recorded.
 */
public final class ClientHelloParser {
    private static final int EXT_SNI = 0x0000;
    private static final int EXT_GROUPS = 0x000a;
    private static final int EXT_POINT_FORMATS = 0x000b;
    private static final int EXT_SIG_ALGS = 0x000d;
    private static final int EXT_ALPN = 0x0010;
    private static final int EXT_VERSIONS = 0x002b;

    private final int[] ciphers = new int[256];
    private final int[] exts = new int[128];
    private final int[] groups = new int[64];
    private final int[] sigAlgs = new int[64];
    private final int[] formats = new int[16];
    private final MessageDigest md5;
    private final MessageDigest sha256;

    public ClientHelloParser() {
        try {
            md5 = MessageDigest.getInstance("MD5");
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without MD5/SHA-256", e);
        }
    }

    static boolean grease(int v) {
        return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
    }

    /**
     * @param quic true for QUIC (JA4 prefix 'q')
     * @return true if the body is a well-formed ClientHello; findings then hold SNI, ALPN, JA3, JA4
     */
    public boolean parse(byte[] b, int off, int end, boolean quic, Findings f) {
        int p = off;
        if (end - p < 38) {
            return false;
        }
        int legacyVersion = u16(b, p);
        if ((legacyVersion >> 8) != 3 && legacyVersion != 0xfeff && legacyVersion != 0xfefd) {
            return false;
        }
        p += 2 + 32; // version, random
        int sidLen = u8(b, p++);
        if (sidLen > 32 || p + sidLen + 2 > end) {
            return false;
        }
        p += sidLen;
        int cipherBytes = u16(b, p);
        p += 2;
        if ((cipherBytes & 1) != 0 || p + cipherBytes + 1 > end) {
            return false;
        }
        int nCiphers = 0;
        for (int i = 0; i < cipherBytes; i += 2) {
            int c = u16(b, p + i);
            if (!grease(c) && nCiphers < ciphers.length) {
                ciphers[nCiphers++] = c;
            }
        }
        p += cipherBytes;
        int compLen = u8(b, p++);
        if (p + compLen > end) {
            return false;
        }
        p += compLen;
        int nExts = 0;
        int nGroups = 0;
        int nSig = 0;
        int nFormats = 0;
        int maxVersion = 0;
        String sni = null;
        String alpn = null;
        if (p + 2 <= end) {
            int extBytes = u16(b, p);
            p += 2;
            int extEnd = p + extBytes;
            if (extEnd > end) {
                return false;
            }
            while (p + 4 <= extEnd) {
                int type = u16(b, p);
                int len = u16(b, p + 2);
                int d = p + 4;
                if (d + len > extEnd) {
                    return false;
                }
                if (!grease(type) && nExts < exts.length) {
                    exts[nExts++] = type;
                }
                switch (type) {
                    case EXT_SNI -> sni = sni(b, d, d + len);
                    case EXT_ALPN -> alpn = firstAlpn(b, d, d + len);
                    case EXT_GROUPS -> nGroups = u16list(b, d, d + len, groups);
                    case EXT_SIG_ALGS -> nSig = u16list(b, d, d + len, sigAlgs);
                    case EXT_POINT_FORMATS -> {
                        if (len >= 1) {
                            int n = Math.min(u8(b, d), len - 1);
                            for (int i = 0; i < n && nFormats < formats.length; i++) {
                                formats[nFormats++] = u8(b, d + 1 + i);
                            }
                        }
                    }
                    case EXT_VERSIONS -> {
                        if (len >= 1) {
                            int n = Math.min(u8(b, d), len - 1);
                            for (int i = 0; i + 1 < n; i += 2) {
                                int v = u16(b, d + 1 + i);
                                if (!grease(v) && v > maxVersion) {
                                    maxVersion = v;
                                }
                            }
                        }
                    }
                    default -> {
                    }
                }
                p = d + len;
            }
        }
        f.serverName = sni != null && !sni.isEmpty() ? sni : f.serverName;
        f.alpn = alpn;
        f.ja3 = ja3(legacyVersion, nCiphers, nExts, nGroups, nFormats);
        f.ja4 = ja4(quic, maxVersion != 0 ? maxVersion : legacyVersion, sni != null, nCiphers, nExts, nSig, alpn);
        return true;
    }

    private static String sni(byte[] b, int p, int end) {
        if (p + 2 > end) {
            return null;
        }
        int listEnd = Math.min(end, p + 2 + u16(b, p));
        p += 2;
        while (p + 3 <= listEnd) {
            int type = u8(b, p);
            int len = u16(b, p + 1);
            p += 3;
            if (p + len > listEnd) {
                return null;
            }
            if (type == 0 && len > 0 && Bytes.printable(b, p, p + len)) {
                return Bytes.ascii(b, p, len);
            }
            p += len;
        }
        return null;
    }

    private static String firstAlpn(byte[] b, int p, int end) {
        if (p + 3 > end) {
            return null;
        }
        int len = u8(b, p + 2);
        if (len == 0 || p + 3 + len > end) {
            return null;
        }
        return new String(b, p + 3, len, StandardCharsets.ISO_8859_1);
    }

    private static int u16list(byte[] b, int p, int end, int[] out) {
        if (p + 2 > end) {
            return 0;
        }
        int listEnd = Math.min(end, p + 2 + u16(b, p));
        int n = 0;
        for (int i = p + 2; i + 1 < listEnd && n < out.length; i += 2) {
            int v = u16(b, i);
            if (!grease(v)) {
                out[n++] = v;
            }
        }
        return n;
    }

    /** JA3: version,ciphers,extensions,groups,point formats (decimal, '-' separated, GREASE removed), MD5. */
    private String ja3(int version, int nCiphers, int nExts, int nGroups, int nFormats) {
        StringBuilder s = new StringBuilder(256);
        s.append(version).append(',');
        join(s, ciphers, nCiphers).append(',');
        join(s, exts, nExts).append(',');
        join(s, groups, nGroups).append(',');
        join(s, formats, nFormats);
        return Bytes.hex(md5.digest(s.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    private static StringBuilder join(StringBuilder s, int[] v, int n) {
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append('-');
            }
            s.append(v[i]);
        }
        return s;
    }

    /** JA4 (FoxIO): t|q, version, d|i, counts, ALPN ends; sorted cipher hash; sorted extension + sig-alg hash. */
    private String ja4(boolean quic, int version, boolean sni, int nCiphers, int nExts, int nSig, String alpn) {
        StringBuilder s = new StringBuilder(40);
        s.append(quic ? 'q' : 't').append(versionCode(version)).append(sni ? 'd' : 'i');
        s.append(String.format("%02d%02d", Math.min(nCiphers, 99), Math.min(nExts, 99)));
        s.append(alpnCode(alpn)).append('_');
        int[] c = Arrays.copyOf(ciphers, nCiphers);
        Arrays.sort(c);
        s.append(nCiphers == 0 ? "000000000000" : hash12(hexList(c, c.length))).append('_');
        int[] e = new int[nExts];
        int n = 0;
        for (int i = 0; i < nExts; i++) {
            if (exts[i] != EXT_SNI && exts[i] != EXT_ALPN) {
                e[n++] = exts[i];
            }
        }
        e = Arrays.copyOf(e, n);
        Arrays.sort(e);
        StringBuilder ext = hexList(e, n);
        if (nSig > 0) {
            ext.append('_').append(hexList(sigAlgs, nSig));
        }
        s.append(n == 0 ? "000000000000" : hash12(ext));
        return s.toString();
    }

    private static String versionCode(int v) {
        return switch (v) {
            case 0x0304 -> "13";
            case 0x0303 -> "12";
            case 0x0302 -> "11";
            case 0x0301 -> "10";
            case 0x0300 -> "s3";
            case 0xfeff -> "d1";
            case 0xfefd -> "d2";
            case 0xfefc -> "d3";
            default -> "00";
        };
    }

    private static String alpnCode(String alpn) {
        if (alpn == null || alpn.isEmpty()) {
            return "00";
        }
        char a = alpn.charAt(0);
        char z = alpn.charAt(alpn.length() - 1);
        if (Character.isLetterOrDigit(a) && a < 128 && Character.isLetterOrDigit(z) && z < 128) {
            return "" + a + z;
        }
        String hex = Bytes.hex(alpn.getBytes(StandardCharsets.ISO_8859_1));
        return "" + hex.charAt(0) + hex.charAt(hex.length() - 1);
    }

    private static StringBuilder hexList(int[] v, int n) {
        StringBuilder s = new StringBuilder(n * 5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(String.format("%04x", v[i]));
        }
        return s;
    }

    private String hash12(CharSequence s) {
        return Bytes.hex(sha256.digest(s.toString().getBytes(StandardCharsets.US_ASCII))).substring(0, 12);
    }
}
