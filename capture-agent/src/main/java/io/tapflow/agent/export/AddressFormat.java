package io.tapflow.agent.export;

/** Text forms of the table's two-long addresses: dotted quad for IPv4-mapped, RFC 5952 for IPv6. Appends, no garbage. */
public final class AddressFormat {
    private AddressFormat() {
    }

    public static boolean isIpv4Mapped(long hi, long lo) {
        return hi == 0 && (lo >>> 32) == 0xFFFF;
    }

    public static StringBuilder append(StringBuilder out, long hi, long lo) {
        if (isIpv4Mapped(hi, lo)) {
            return out.append((lo >>> 24) & 0xFF).append('.').append((lo >>> 16) & 0xFF).append('.')
                    .append((lo >>> 8) & 0xFF).append('.').append(lo & 0xFF);
        }
        // RFC 5952: lowercase hex, the longest run (>= 2) of zero groups becomes "::", leftmost on ties
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (group(hi, lo, i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(hi, lo, j) == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength) {
                out.append(':');
            }
            out.append(Integer.toHexString(group(hi, lo, i)));
        }
        return out;
    }

    public static String toString(long hi, long lo) {
        return append(new StringBuilder(40), hi, lo).toString();
    }

    /** The 16-byte network-order form used in Avro records. */
    public static void toBytes(long hi, long lo, byte[] out) {
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (hi >>> (56 - 8 * i));
            out[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
    }

    private static int group(long hi, long lo, int i) {
        long word = i < 4 ? hi : lo;
        return (int) (word >>> (48 - 16 * (i & 3))) & 0xFFFF;
    }
}
