#!/usr/bin/env python3
"""Generate a synthetic classic pcap (LINKTYPE_ETHERNET, microsecond timestamps)
for flow-meter benchmarking.  Stdlib only.

Defaults: 2,000,000 frames of 64 bytes, exactly 100,000 distinct unidirectional
5-tuples (~70% TCP, ~30% UDP) with Zipf-like popularity, timestamps 1 us apart
starting 2024-01-01T00:00:00Z.  Every flow appears at least once; the remaining
packets are drawn from a Zipf(s) distribution over flow ranks, then shuffled.

No flow's reverse 5-tuple is also a flow (sources are 10.0.0.0/8, destinations
172.16.0.0/12), so uni- and bidirectional meters see the same flow count.
TCP packets carry ACK|PSH only (no SYN/FIN/RST), so no tool ends flows early.
"""
import argparse
import itertools
import random
import struct
import sys

PCAP_MAGIC_US = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1
FRAME_LEN = 64
T0 = 1704067200  # 2024-01-01T00:00:00Z


def csum16(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def build_frame(src, dst, sport, dport, proto, ipid):
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    ip_len = FRAME_LEN - len(eth)                      # 50 bytes of IP datagram
    if proto == 6:
        l4_hdr_len = 20
    else:
        l4_hdr_len = 8
    payload = bytes((i * 7) & 0xFF for i in range(ip_len - 20 - l4_hdr_len))
    l4_len = l4_hdr_len + len(payload)
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, proto, l4_len)
    if proto == 6:
        hdr = struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000,
                          5 << 4, 0x18, 65535, 0, 0)    # ACK|PSH
        c = csum16(pseudo + hdr + payload)
        hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
    else:
        hdr = struct.pack("!HHHH", sport, dport, l4_len, 0)
        c = csum16(pseudo + hdr + payload) or 0xFFFF
        hdr = hdr[:6] + struct.pack("!H", c)
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, ipid & 0xFFFF, 0x4000,
                      64, proto, 0, src, dst)
    iph = iph[:10] + struct.pack("!H", csum16(iph)) + iph[12:]
    frame = eth + iph + hdr + payload
    assert len(frame) == FRAME_LEN, len(frame)
    return frame


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", default="test-2m.pcap")
    ap.add_argument("-n", "--packets", type=int, default=2_000_000)
    ap.add_argument("-f", "--flows", type=int, default=100_000)
    ap.add_argument("-s", "--zipf", type=float, default=1.0, help="Zipf exponent")
    ap.add_argument("--udp-frac", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if a.flows > a.packets:
        sys.exit("flows must be <= packets")

    rng = random.Random(a.seed)
    seen = set()
    frames = []
    while len(frames) < a.flows:
        src = bytes([10, rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)])
        dst = bytes([172, 16 + rng.randrange(16), rng.randrange(256), rng.randrange(1, 255)])
        proto = 17 if rng.random() < a.udp_frac else 6
        sport = rng.randrange(1024, 65536)
        dport = rng.choice((53, 80, 123, 443, 8080)) if rng.random() < 0.5 else rng.randrange(1, 65536)
        key = (src, dst, sport, dport, proto)
        if key in seen:
            continue
        seen.add(key)
        frames.append(build_frame(src, dst, sport, dport, proto, len(frames)))

    # popularity: every flow once, rest Zipf over ranks, then shuffle
    cum = list(itertools.accumulate(1.0 / (k ** a.zipf) for k in range(1, a.flows + 1)))
    seq = list(range(a.flows))
    seq += rng.choices(range(a.flows), cum_weights=cum, k=a.packets - a.flows)
    rng.shuffle(seq)

    rec = struct.Struct("<IIII")
    with open(a.output, "wb", buffering=1 << 22) as out:
        out.write(struct.pack("<IHHiIII", PCAP_MAGIC_US, 2, 4, 0, 0, 65535,
                              LINKTYPE_ETHERNET))
        chunk = []
        for i, fi in enumerate(seq):
            chunk.append(rec.pack(T0 + i // 1_000_000, i % 1_000_000, FRAME_LEN, FRAME_LEN))
            chunk.append(frames[fi])
            if len(chunk) >= 200_000:
                out.write(b"".join(chunk))
                chunk.clear()
        out.write(b"".join(chunk))

    tcp = sum(1 for f in frames if f[23] == 6)
    counts = [0] * a.flows
    for fi in seq:
        counts[fi] += 1
    counts.sort(reverse=True)
    print(f"wrote {a.output}: {a.packets} packets, {a.flows} flows "
          f"({tcp} TCP, {a.flows - tcp} UDP), top flow {counts[0]} pkts, "
          f"top-1% flows carry {sum(counts[:a.flows // 100]) / a.packets:.1%} of packets",
          file=sys.stderr)


if __name__ == "__main__":
    main()
