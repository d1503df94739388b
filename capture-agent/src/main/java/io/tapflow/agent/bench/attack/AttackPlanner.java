package io.tapflow.agent.bench.attack;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes each attack instance's packets into {@link SyntheticPackets} and its {@link Label}. Every attacker, victim,
 * scan target and peer is a fresh address from 100.64.0.0/10, so no two instances share a subject and none shares a
 * host with another; spoofed flood sources are random addresses in 198.18.0.0/15 (one SYN each). Events are evenly
 * spaced at the group's rate; round-trip times are drawn per instance (0.2-20 ms).
 */
final class AttackPlanner {
    private static final int SUBJECTS_BASE = 0x6440_0000; // 100.64.0.0
    private static final int SUBJECTS_SIZE = 1 << 22; // /10
    private static final int SPOOFED_BASE = 0xC612_0000; // 198.18.0.0
    private static final int SPOOFED_SIZE = 1 << 17; // /15
    static final int FLOOD_PORT = 80;
    static final int SWEEP_PORT = 22;
    static final int FAN_OUT_PORT = 443;

    private final SyntheticPackets packets;
    private final List<Label> labels;
    private final SplittableRandom rng;
    private int nextSubject = 1;
    /** The subject of the instance being planned, as its label names it. */
    private String lastSubject;

    AttackPlanner(SyntheticPackets packets, List<Label> labels, long seed) {
        this.packets = packets;
        this.labels = labels;
        this.rng = new SplittableRandom(seed);
    }

    /** One instance of {@code group} whose first event is at {@code startUs}. */
    void instance(AttackGroup group, long startUs) {
        long rttUs = 200 + rng.nextLong(19_800);
        long lastUs = switch (group.kind()) {
            case SYN_FLOOD -> synFlood(group, startUs, rttUs);
            case VERTICAL_SCAN -> verticalScan(group, startUs, rttUs);
            case HORIZONTAL_SCAN -> horizontalScan(group, startUs, rttUs);
            case P2P_HOST -> p2pHost(group, startUs, rttUs);
            case P2P_TCP_HOST -> p2pTcpHost(group, startUs, rttUs);
            case FAN_OUT -> fanOut(group, startUs, rttUs);
        };
        for (String detector : group.kind().detectors()) {
            labels.add(new Label(detector, lastSubject, startUs / 1000, (lastUs + 999) / 1000, group.rate(),
                    group.kind().label(), group.tag()));
        }
    }

    private long eventUs(AttackGroup g, long startUs, int k) {
        return startUs + Math.round(k * 1e6 / g.rate());
    }

    private long synFlood(AttackGroup g, long startUs, long rttUs) {
        int victim = subject();
        lastSubject = text(victim) + ":" + FLOOD_PORT;
        long last = startUs;
        for (int k = 0; k < g.events(); k++) {
            long t = eventUs(g, startUs, k);
            int src = spoofed();
            int sport = 1024 + rng.nextInt(64_512);
            packets.tcp(t, src, sport, victim, FLOOD_PORT, SyntheticPackets.SYN, 0);
            packets.tcp(t + rttUs, victim, FLOOD_PORT, src, sport, SyntheticPackets.SYN | SyntheticPackets.ACK, 0);
            last = t;
        }
        return last;
    }

    private long verticalScan(AttackGroup g, long startUs, long rttUs) {
        int scanner = subject();
        int victim = subject();
        lastSubject = text(scanner);
        int sport = 1024 + rng.nextInt(64_512);
        int first = rng.nextInt(65_535);
        long last = startUs;
        for (int k = 0; k < g.events(); k++) {
            long t = eventUs(g, startUs, k);
            int port = 1 + (int) ((first + 7919L * k) % 65_535); // 7919 is prime to 65535: distinct ports
            packets.tcp(t, scanner, sport, victim, port, SyntheticPackets.SYN, 0);
            if (rng.nextInt(10) != 0) { // closed: RST; one in ten filtered: no answer
                packets.tcp(t + rttUs, victim, port, scanner, sport, SyntheticPackets.RST | SyntheticPackets.ACK, 0);
            }
            last = t;
        }
        return last;
    }

    private long horizontalScan(AttackGroup g, long startUs, long rttUs) {
        int scanner = subject();
        lastSubject = text(scanner);
        int sport = 1024 + rng.nextInt(64_512);
        long last = startUs;
        for (int k = 0; k < g.events(); k++) {
            long t = eventUs(g, startUs, k);
            int target = subject();
            packets.tcp(t, scanner, sport, target, SWEEP_PORT, SyntheticPackets.SYN, 0);
            switch (rng.nextInt(3)) {
                case 0 -> { // open: SYN-ACK, and the scanner resets
                    packets.tcp(t + rttUs, target, SWEEP_PORT, scanner, sport, SyntheticPackets.SYN | SyntheticPackets.ACK, 0);
                    packets.tcp(t + rttUs + 50, scanner, sport, target, SWEEP_PORT, SyntheticPackets.RST, 0);
                }
                case 1 -> packets.tcp(t + rttUs, target, SWEEP_PORT, scanner, sport,
                        SyntheticPackets.RST | SyntheticPackets.ACK, 0);
                default -> { // no host: no answer
                }
            }
            last = t;
        }
        return last;
    }

    private long p2pHost(AttackGroup g, long startUs, long rttUs) {
        int host = subject();
        lastSubject = text(host);
        int listen = highPort();
        long last = startUs;
        for (int k = 0; k < g.events(); k++) {
            long t = eventUs(g, startUs, k);
            int peer = subject();
            int peerPort = highPort();
            packets.udp(t, host, listen, peer, peerPort, 120); // DHT-style query and answer
            packets.udp(t + rttUs, peer, peerPort, host, listen, 300);
            last = connection(t + 20_000, rttUs, host, highPort(), peer, peerPort, 68, 1200); // to the peer
            last = Math.max(last, connection(t + 40_000, rttUs, peer, highPort(), host, listen, 68, 1200)); // from it
        }
        return last;
    }

    private long p2pTcpHost(AttackGroup g, long startUs, long rttUs) {
        int host = subject();
        lastSubject = text(host);
        int listen = highPort();
        long last = startUs;
        for (int k = 0; k < g.events(); k++) {
            long t = eventUs(g, startUs, k);
            int peer = subject();
            last = connection(t, rttUs, host, highPort(), peer, highPort(), 68, 1400); // to the peer's port
            last = Math.max(last, connection(t + 20_000, rttUs, peer, highPort(), host, listen, 68, 1400)); // from it
        }
        return last;
    }

    private long fanOut(AttackGroup g, long startUs, long rttUs) {
        int client = subject();
        lastSubject = text(client);
        int port = 32_768 + rng.nextInt(20_000);
        long last = startUs;
        for (int k = 0; k < g.events(); k++) {
            long t = eventUs(g, startUs, k);
            last = connection(t, rttUs, client, 32_768 + (port + k) % 28_000, subject(), FAN_OUT_PORT, 517, 1400);
        }
        return last;
    }

    /** A complete TCP connection with one request and one response; returns its last packet's time. */
    private long connection(long t, long rtt, int client, int cport, int server, int sport, int request, int response) {
        packets.tcp(t, client, cport, server, sport, SyntheticPackets.SYN, 0);
        packets.tcp(t + rtt, server, sport, client, cport, SyntheticPackets.SYN | SyntheticPackets.ACK, 0);
        long c = t + rtt + 30;
        packets.tcp(c, client, cport, server, sport, SyntheticPackets.ACK, 0);
        packets.tcp(c + 10, client, cport, server, sport, SyntheticPackets.PSH | SyntheticPackets.ACK, request);
        long s = c + 10 + rtt;
        packets.tcp(s, server, sport, client, cport, SyntheticPackets.PSH | SyntheticPackets.ACK, response);
        packets.tcp(s + 30, client, cport, server, sport, SyntheticPackets.FIN | SyntheticPackets.ACK, 0);
        packets.tcp(s + 30 + rtt, server, sport, client, cport, SyntheticPackets.FIN | SyntheticPackets.ACK, 0);
        packets.tcp(s + 60 + rtt, client, cport, server, sport, SyntheticPackets.ACK, 0);
        return s + 60 + rtt;
    }

    private int highPort() {
        return 10_000 + rng.nextInt(50_000);
    }

    /** The next unused address of 100.64.0.0/10, never x.x.x.0 or x.x.x.255. */
    private int subject() {
        while ((nextSubject & 0xFF) == 0 || (nextSubject & 0xFF) == 255) {
            nextSubject++;
        }
        if (nextSubject >= SUBJECTS_SIZE) {
            throw new IllegalStateException("the attacks need more than the " + SUBJECTS_SIZE
                    + " addresses of 100.64.0.0/10: fewer instances or events");
        }
        return SUBJECTS_BASE + nextSubject++;
    }

    private int spoofed() {
        int a;
        do {
            a = SPOOFED_BASE + rng.nextInt(SPOOFED_SIZE);
        } while ((a & 0xFF) == 0 || (a & 0xFF) == 255);
        return a;
    }

    static String text(int addr) {
        return (addr >>> 24) + "." + ((addr >>> 16) & 0xFF) + "." + ((addr >>> 8) & 0xFF) + "." + (addr & 0xFF);
    }
}
