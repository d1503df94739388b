package io.tapflow.jobs.detect;

/** 64-bit mixing (MurmurHash3's fmix64) of addresses and ports, for {@link DistinctCounter} and state keys. */
final class Hashes {
    private Hashes() {
    }

    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** A 16-byte address. */
    static long address(byte[] a) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (a[i] & 0xFF);
            lo = lo << 8 | (a[i + 8] & 0xFF);
        }
        return mix(hi ^ mix(lo));
    }

    static long port(int port) {
        return mix(0x9E3779B97F4A7C15L + port);
    }
}
