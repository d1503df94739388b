/*
 * The least work a flow meter can do per frame, in C: `tapflow bench floor` compiles this with the machine's cc
 * (-O2 -march=native) and runs it beside the Java floor (MeterFloor.java, the same loop) and the real meter.
 * It reads a classic little-endian Ethernet pcap, takes the 5-tuple of Ethernet (+ one 802.1Q tag) / IPv4 or
 * IPv6 (no extension headers) / the first 4 bytes of L4, and accounts packets, bytes, TCP flags, TTL range and last
 * time per direction in a bidirectional table of the meter's memory shape: 128-byte records and a 4-byte index slot
 * per 2 records, linear probing, tag bits in the index, 64 frames decoded and their index slots and records loaded
 * before they are accounted. No validation beyond lengths, no timeouts, no sampling, no fragments, no eviction: a
 * ceiling for this machine, not a rival meter.
 *
 * usage: meter_floor TRACE [measured runs] [flow capacity, a power of two]
 * prints: run R: F frames, A accounted, S skipped, N flows, T.TTTTTT s
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    uint64_t a[2], b[2], key, first, last, packets[2], bytes[2], misc, pad[4];
} __attribute__((aligned(64))) record_t;

typedef struct {
    uint64_t a[2], b[2], key, hash, ts;
    uint32_t wire;
    uint8_t flags, ttl;
} packet_t;

enum { STAGE = 64 };
static record_t *records;
static uint32_t *slots;
static uint32_t slot_mask, entry_mask, used, capacity;

static inline uint64_t be64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return __builtin_bswap64(v); }
static inline uint32_t be32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return __builtin_bswap32(v); }
static inline uint16_t be16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return __builtin_bswap16(v); }

/* The meter's symmetric hash: both directions of a flow hash alike. */
static inline uint64_t flow_hash(const packet_t *p) {
    uint64_t a = p->a[1] ^ ((p->key >> 48) << 48) ^ p->a[0] * 0x9E3779B97F4A7C15ull;
    uint64_t b = p->b[1] ^ (((p->key >> 32) & 0xFFFF) << 48) ^ p->b[0] * 0x9E3779B97F4A7C15ull;
    uint64_t x = (a < b ? a : b) ^ 0xA0761D6478BD642Full;
    uint64_t y = (a < b ? b : a) ^ (p->key & 0xFFFFFFFF) ^ 0xE7037ED1A0B428DBull;
    __uint128_t m = (__uint128_t) x * y;
    return (uint64_t) m ^ (uint64_t) (m >> 64);
}

static int decode(const uint8_t *f, uint32_t cap, packet_t *p) {
    if (cap < 14) return 0;
    uint32_t type = be16(f + 12), off = 14, vlan = 0;
    if (type == 0x8100) {
        if (cap < 18) return 0;
        vlan = be16(f + 14) & 0xFFF;
        type = be16(f + 16);
        off = 18;
    }
    const uint8_t *ip = f + off;
    uint32_t proto, l4;
    if (type == 0x0800) {
        if (cap < off + 20) return 0;
        proto = ip[9];
        p->ttl = ip[8];
        p->a[0] = 0; p->a[1] = 0x0000FFFF00000000ull | be32(ip + 12);
        p->b[0] = 0; p->b[1] = 0x0000FFFF00000000ull | be32(ip + 16);
        l4 = off + (ip[0] & 15) * 4;
    } else if (type == 0x86DD) {
        if (cap < off + 40) return 0;
        proto = ip[6];
        p->ttl = ip[7];
        p->a[0] = be64(ip + 8); p->a[1] = be64(ip + 16);
        p->b[0] = be64(ip + 24); p->b[1] = be64(ip + 32);
        l4 = off + 40;
    } else {
        return 0;
    }
    if (cap < l4 + (proto == 6 ? 14 : 8)) return 0;
    uint64_t ports = be32(f + l4);
    p->flags = proto == 6 ? f[l4 + 13] : 0;
    p->key = (ports >> 16) << 48 | (ports & 0xFFFF) << 32 | (uint64_t) proto << 24 | (uint64_t) vlan << 12;
    p->hash = flow_hash(p);
    return 1;
}

static inline record_t *find_or_create(const packet_t *p, int *dir) {
    uint64_t rev = (p->key & 0xFFFFFFFFull) | ((p->key >> 48) << 32) | (((p->key >> 32) & 0xFFFF) << 48);
    uint32_t tag = (uint32_t) (p->hash >> 32) & ~entry_mask;
    for (uint32_t i = (uint32_t) p->hash & slot_mask;; i = (i + 1) & slot_mask) {
        uint32_t e = slots[i];
        if (e == 0) {
            if (used == capacity) { fprintf(stderr, "flow table full at %u flows: raise the capacity\n", used); exit(1); }
            record_t *r = &records[used];
            slots[i] = tag | ++used;
            memcpy(r->a, p->a, 16); memcpy(r->b, p->b, 16);
            r->key = p->key;
            r->first = r->last = p->ts;
            r->packets[0] = r->packets[1] = r->bytes[0] = r->bytes[1] = 0;
            r->misc = 0xFF << 16;
            *dir = 0;
            return r;
        }
        if ((e & ~entry_mask) != tag) continue;
        record_t *r = &records[(e & entry_mask) - 1];
        int fwd = ((r->key ^ p->key) | (r->a[1] ^ p->a[1]) | (r->b[1] ^ p->b[1]) | (r->a[0] ^ p->a[0]) | (r->b[0] ^ p->b[0])) == 0;
        int back = ((r->key ^ rev) | (r->a[1] ^ p->b[1]) | (r->b[1] ^ p->a[1]) | (r->a[0] ^ p->b[0]) | (r->b[0] ^ p->a[0])) == 0;
        if (fwd | back) { *dir = !fwd; return r; }
    }
}

static inline void account(const packet_t *p) {
    int dir;
    record_t *r = find_or_create(p, &dir);
    r->packets[dir]++;
    r->bytes[dir] += p->wire;
    if (p->ts > r->last) r->last = p->ts;
    uint64_t m = r->misc | ((uint64_t) p->flags << (8 * dir));
    if (p->ttl < ((m >> 16) & 0xFF)) m = (m & ~(0xFFull << 16)) | ((uint64_t) p->ttl << 16);
    if (p->ttl > ((m >> 24) & 0xFF)) m = (m & ~(0xFFull << 24)) | ((uint64_t) p->ttl << 24);
    r->misc = m;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: meter_floor TRACE [runs] [capacity]\n"); return 2; }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    capacity = argc > 3 ? (uint32_t) atol(argv[3]) : 1u << 21;
    if (capacity < 2 || (capacity & (capacity - 1)) != 0) { fprintf(stderr, "capacity must be a power of two\n"); return 2; }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { perror(argv[1]); return 1; }
    uint8_t header[24];
    uint32_t magic;
    if (st.st_size < 24 || pread(fd, header, 24, 0) != 24 || (memcpy(&magic, header, 4), magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
            || (header[20] | header[21] << 8) != 1) {
        fprintf(stderr, "%s: not a little-endian Ethernet pcap\n", argv[1]);
        return 1;
    }
    uint64_t frac = magic == 0xa1b23c4d ? 1 : 1000;
    uint32_t slot_count = capacity * 2;
    slot_mask = slot_count - 1;
    entry_mask = (uint32_t) ((2ull << (31 - __builtin_clz(capacity))) - 1); /* room for slot + 1 <= capacity */
    records = aligned_alloc(2 << 20, sizeof(record_t) * capacity);
    slots = aligned_alloc(2 << 20, 4ull * slot_count < (2 << 20) ? (2 << 20) : 4ull * slot_count);
    madvise(records, sizeof(record_t) * capacity, MADV_HUGEPAGE);
    madvise(slots, 4ull * slot_count, MADV_HUGEPAGE);
    memset(records, 0, sizeof(record_t) * capacity);
    packet_t stage[STAGE];
    uint64_t size = st.st_size;
    for (int run = 0; run <= runs; run++) { /* run 0 warms the page cache and the tables */
        memset(slots, 0, 4ull * slot_count);
        used = 0;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        /* Mapped anew for every pass, as the meter maps the file each time it replays it: page faults included. */
        const uint8_t *m = mmap(0, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED) { perror("mmap"); return 1; }
        uint64_t pos = 24, frames = 0, skipped = 0, loaded = 0;
        while (pos + 16 <= size) {
            int k = 0;
            while (k < STAGE && pos + 16 <= size) {
                const uint8_t *h = m + pos;
                uint32_t hdr[4];
                memcpy(hdr, h, 16);
                if (hdr[2] > size - pos - 16) { fprintf(stderr, "truncated record at %lu\n", pos); return 1; }
                frames++;
                packet_t *p = &stage[k];
                if (decode(h + 16, hdr[2], p)) {
                    p->ts = hdr[0] * 1000000000ull + hdr[1] * frac;
                    p->wire = hdr[3] > hdr[2] ? hdr[3] : hdr[2];
                    k++;
                } else {
                    skipped++;
                }
                pos += 16 + hdr[2];
            }
            /* Load every index slot, then every record they point at, before accounting: the misses overlap. */
            uint32_t entries[STAGE];
            for (int j = 0; j < k; j++) entries[j] = slots[(uint32_t) stage[j].hash & slot_mask];
            for (int j = 0; j < k; j++) if (entries[j]) loaded += records[(entries[j] & entry_mask) - 1].last;
            for (int j = 0; j < k; j++) account(&stage[j]);
        }
        munmap((void *) m, st.st_size);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        uint64_t accounted = 0;
        for (uint32_t i = 0; i < used; i++) accounted += records[i].packets[0] + records[i].packets[1];
        if (run > 0)
            printf("run %d: %lu frames, %lu accounted, %lu skipped, %u flows, %.6f s%s\n", run, frames, accounted, skipped, used,
                   (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, loaded == 1 ? " " : "");
    }
    return 0;
}
