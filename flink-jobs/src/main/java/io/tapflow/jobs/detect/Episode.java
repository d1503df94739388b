package io.tapflow.jobs.detect;

import io.tapflow.schema.Address16;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import io.tapflow.schema.FlowRecord;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One subject's evidence, from its first counted flow until its episode closes: what an {@link Alert} reports. Also
 * remembers whether the episode is open, so it is raised once, not once per window. Bounded: at most
 * {@value #SAMPLES} sample peers and ports.
 * Public fields: a Flink POJO inside the detectors' state.
 */
public final class Episode implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int SAMPLES = 8;

    public String linkId;
    public byte[] subjectAddr;
    public int subjectPort = -1;
    public boolean open;
    public long episodeId;
    public long firstSeenMs = Long.MAX_VALUE;
    public long lastSeenMs = Long.MIN_VALUE;
    public long attempts;
    public long distinctPorts;
    public long distinctHosts;
    public double score;
    public String kind = "";
    public long windowStartMs;
    public long windowEndMs;
    public List<byte[]> samplePeers = new ArrayList<>(SAMPLES);
    public int[] samplePorts = new int[0];
    /** DNS anomalies: responses and NXDOMAIN responses counted, the most distinct suspicious names of a domain. */
    public long dnsResponses;
    public long dnsNxdomain;
    public long dnsDistinctNames;
    public String dnsDomain = "";
    public List<String> sampleNames = new ArrayList<>(SAMPLES);

    /** A closed episode's successor: same subject, no evidence. */
    Episode restart() {
        Episode e = new Episode();
        e.linkId = linkId;
        e.subjectAddr = subjectAddr;
        e.subjectPort = subjectPort;
        return e;
    }

    /** A counted flow: times, attempts and samples (the peer is the flow's other end, the port its destination). */
    void count(FlowRecord r, byte[] peer) {
        long t = r.getLastMs();
        firstSeenMs = Math.min(firstSeenMs, r.getFirstMs());
        lastSeenMs = Math.max(lastSeenMs, t);
        attempts++;
        if (samplePeers.size() < SAMPLES && !hasPeer(peer)) {
            samplePeers.add(peer.clone());
        }
        int port = r.getDstPort();
        if (samplePorts.length < SAMPLES && !hasPort(port)) {
            samplePorts = Arrays.copyOf(samplePorts, samplePorts.length + 1);
            samplePorts[samplePorts.length - 1] = port;
        }
    }

    /** A query name for the evidence, while fewer than {@value #SAMPLES} are kept. */
    void sampleName(String name) {
        if (sampleNames.size() < SAMPLES && !sampleNames.contains(name)) {
            sampleNames.add(name);
        }
    }

    private boolean hasPeer(byte[] peer) {
        for (byte[] p : samplePeers) {
            if (Arrays.equals(p, peer)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasPort(int port) {
        for (int p : samplePorts) {
            if (p == port) {
                return true;
            }
        }
        return false;
    }

    /** The highest values seen in any window of the episode, and the window where they were seen last. */
    void observe(long ports, long hosts, double windowScore, String windowKind, long windowStart, long windowEnd) {
        distinctPorts = Math.max(distinctPorts, ports);
        distinctHosts = Math.max(distinctHosts, hosts);
        score = Math.max(score, windowScore);
        if (!windowKind.isEmpty() && !kind.contains(windowKind)) {
            kind = kind.isEmpty() ? windowKind : kind + "+" + windowKind; // in the order they were first seen
        }
        windowStartMs = windowStart;
        windowEndMs = windowEnd;
    }

    Alert alert(String detector, AlertState state) {
        List<Address16> peers = new ArrayList<>(samplePeers.size());
        for (byte[] p : samplePeers) {
            peers.add(new Address16(p.clone()));
        }
        List<Integer> ports = Arrays.stream(samplePorts).boxed().toList();
        return Alert.newBuilder()
                .setDetector(detector)
                .setKind(kind)
                .setLinkId(linkId)
                .setSubjectAddr(new Address16(subjectAddr.clone()))
                .setSubjectPort(subjectPort)
                .setSubject(subject(subjectAddr, subjectPort))
                .setEpisodeId(episodeId)
                .setState(state)
                .setWindowStartMs(windowStartMs)
                .setWindowEndMs(windowEndMs)
                .setFirstSeenMs(firstSeenMs)
                .setLastSeenMs(lastSeenMs)
                .setScore(score)
                .setAttempts(attempts)
                .setDistinctPorts(distinctPorts)
                .setDistinctHosts(distinctHosts)
                .setSamplePeers(peers)
                .setSamplePorts(ports)
                .setDnsResponses(dnsResponses)
                .setDnsNxdomain(dnsNxdomain)
                .setDnsDistinctNames(dnsDistinctNames)
                .setDnsDomain(dnsDomain)
                .setSampleNames(List.copyOf(sampleNames))
                .build();
    }

    /** 10.0.0.1, 10.0.0.1:80, 2001:db8:0:0:0:0:0:1, [2001:db8:0:0:0:0:0:1]:80 (IPv4-mapped addresses as IPv4). */
    static String subject(byte[] addr, int port) {
        String a = text(addr);
        if (port < 0) {
            return a;
        }
        return a.indexOf(':') >= 0 ? "[" + a + "]:" + port : a + ":" + port;
    }

    static String text(byte[] addr) {
        try {
            return InetAddress.getByAddress(addr).getHostAddress(); // 16 IPv4-mapped bytes give an Inet4Address
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a 16-byte address: " + addr.length + " bytes", e);
        }
    }
}
