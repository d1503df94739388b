package io.tapflow.localstack.detect;

import io.tapflow.agent.testing.Frames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a deterministic pcap of DNS traffic to one resolver (10.1.0.1), each query from its own source port with its
 * matching response, as a stub resolver sends them:
 * <ul>
 *   <li>{@link #TUNNEL} (10.1.0.5): an iodine/dnscat-like client, {@code TUNNEL_QUERIES} TXT queries whose names carry
 *       48 base32 characters of data in two labels under {@code t.tunnel-lab.net}, one every 250 ms, answered.</li>
 *   <li>{@link #DGA} (10.1.0.6): a DGA-like bot, {@code DGA_QUERIES} A queries for random 12-letter .com names, 9 in 10
 *       answered NXDOMAIN.</li>
 *   <li>{@link #BENIGN} (10.1.0.7): a workstation, ordinary names, all answered, one NXDOMAIN (a typo).</li>
 *   <li>{@link #FLOOD} (10.1.0.8): {@code FLOOD_QUERIES} queries for ordinary names in 30 s (over 20/s).</li>
 * </ul>
 */
public final class DnsTrafficCapture {
    public static final String RESOLVER = "10.1.0.1";
    public static final String TUNNEL = "10.1.0.5";
    public static final String DGA = "10.1.0.6";
    public static final String BENIGN = "10.1.0.7";
    public static final String FLOOD = "10.1.0.8";
    public static final int TUNNEL_QUERIES = 40;
    public static final int DGA_QUERIES = 40;
    public static final int FLOOD_QUERIES = 700;
    private static final long START_US = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String[] ORDINARY = {"www.example.com", "mail.example.org", "cdn.example.net",
        "api.example.com", "news.example.co.uk", "login.example.org"};

    private final OutputStream out;
    private final SplittableRandom random = new SplittableRandom(6);
    private int nextPort = 20_000;
    private int nextId = 1;

    private DnsTrafficCapture(OutputStream out) {
        this.out = out;
    }

    public static Path write(Path file) throws IOException {
        try (OutputStream o = Files.newOutputStream(file)) {
            DnsTrafficCapture c = new DnsTrafficCapture(o);
            c.globalHeader();
            c.traffic();
        }
        return file;
    }

    private void traffic() throws IOException {
        long t = START_US;
        for (int i = 0; i < TUNNEL_QUERIES; i++) {
            exchange(t + i * 250_000L, TUNNEL, tunnelName(), 16, 0, 1);
        }
        for (int i = 0; i < DGA_QUERIES; i++) {
            exchange(t + 10_000_000L + i * 300_000L, DGA, dgaName(), 1, i % 10 == 9 ? 0 : 3, i % 10 == 9 ? 1 : 0);
        }
        for (int i = 0; i < 30; i++) {
            exchange(t + 25_000_000L + i * 700_000L, BENIGN, i == 17 ? "wwww.example.com" : ORDINARY[i % ORDINARY.length],
                    1, i == 17 ? 3 : 0, i == 17 ? 0 : 2);
        }
        for (int i = 0; i < FLOOD_QUERIES; i++) {
            exchange(t + 50_000_000L + i * 40_000L, FLOOD, ORDINARY[i % ORDINARY.length], 1, 0, 1);
        }
    }

    /** 48 base32 characters of "data" in two 24-character labels, under t.tunnel-lab.net. */
    private String tunnelName() {
        StringBuilder b = new StringBuilder(80);
        for (int i = 0; i < 48; i++) {
            if (i == 24) {
                b.append('.');
            }
            b.append(BASE32.charAt(random.nextInt(32)));
        }
        return b.append(".t.tunnel-lab.net").toString();
    }

    private String dgaName() {
        StringBuilder b = new StringBuilder(16);
        for (int i = 0; i < 12; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.append(".com").toString();
    }

    /** A query from a fresh source port and its response 20 ms later (same id, the question echoed, no answer RRs). */
    private void exchange(long tsUs, String client, String name, int qtype, int rcode, int answers) throws IOException {
        int port = nextPort++;
        int id = nextId++ & 0xFFFF;
        byte[] question = question(name, qtype);
        byte[] query = Frames.bytes().u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(0).bytes(question).build();
        byte[] response = Frames.bytes().u16(id).u16(0x8180 | rcode).u16(1).u16(answers).u16(0).u16(0).bytes(question)
                .bytes(answerRecords(answers)).build();
        packet(tsUs, Frames.ipv4(Frames.PROTO_UDP, client, RESOLVER, Frames.udp(port, 53, query)));
        packet(tsUs + 20_000, Frames.ipv4(Frames.PROTO_UDP, RESOLVER, client, Frames.udp(53, port, response)));
    }

    private static byte[] question(String name, int qtype) {
        Frames.Bytes b = Frames.bytes();
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            b.u8(l.length).bytes(l);
        }
        return b.u8(0).u16(qtype).u16(1).build();
    }

    /** A records pointing back at the question's name (compression pointer to offset 12), 192.0.2.x. */
    private static byte[] answerRecords(int answers) {
        Frames.Bytes b = Frames.bytes();
        for (int i = 0; i < answers; i++) {
            b.u16(0xC00C).u16(1).u16(1).u32(300).u16(4).u8(192).u8(0).u8(2).u8(i + 1);
        }
        return b.build();
    }

    private void globalHeader() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65_535).putInt(1);
        out.write(h.array());
    }

    private void packet(long tsUs, byte[] ip) throws IOException {
        byte[] frame = Frames.ethernet(Frames.ETHERTYPE_IPV4, ip);
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt((int) (tsUs / 1_000_000)).putInt((int) (tsUs % 1_000_000)).putInt(frame.length).putInt(frame.length);
        out.write(h.array());
        out.write(frame);
    }
}
