package io.tapflow.localstack.bench;

import io.tapflow.schema.Address16;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.TunnelType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic, traffic-like flow records for the pipeline benchmark: several links (one agent each), a skewed pool
 * of client and server addresses, well-known service ports with ephemeral client ports, mostly TCP, packet and byte
 * counts spread over three orders of magnitude. Each record gets a unique identity (agent, agent start, sequence),
 * so no two rows collapse in the ReplacingMergeTree {@code flows} table.
 *
 * <p>Not thread-safe: one generator per producing thread. {@link #next(long)} refills and returns the same record.
 */
final class FlowGenerator {
    private static final int[] SERVICE_PORTS = {443, 443, 443, 443, 80, 80, 53, 53, 123, 22, 25, 993, 3389, 5060, 8080, 8443};
    private static final int CLIENTS = 50_000;
    private static final int SERVERS = 2_000;

    private final SplittableRandom random;
    private final String[] links;
    private final String[] agents;
    private final long[] sequence;
    private final long agentStartMs;
    private final FlowRecord record;

    FlowGenerator(int links, long agentStartMs, long seed) {
        if (links < 1) {
            throw new IllegalArgumentException("links must be at least 1, got " + links);
        }
        this.random = new SplittableRandom(seed);
        this.links = new String[links];
        this.agents = new String[links];
        for (int i = 0; i < links; i++) {
            this.links[i] = "bench-link-" + i;
            this.agents[i] = "bench-agent-" + i;
        }
        this.sequence = new long[links];
        this.agentStartMs = agentStartMs;
        this.record = FlowRecord.newBuilder()
                .setAgentId(agents[0]).setLinkId(this.links[0]).setAgentStartMs(agentStartMs).setFlowSeq(0)
                .setFirstMs(0).setLastMs(0).setIpVersion(4)
                .setSrcAddr(new Address16(new byte[16])).setDstAddr(new Address16(new byte[16]))
                .setSrcPort(0).setDstPort(0).setL4Proto(6).setMplsLabels(List.of()).setTunnelType(TunnelType.NONE)
                .setPacketsFwd(0).setPacketsRev(0).setBytesFwd(0).setBytesRev(0).setTcpFlagsFwd(0).setTcpFlagsRev(0)
                .setTtlMin(64).setTtlMax(64).setEndReason(EndReason.IDLE_TIMEOUT).setSignatureIds(List.of())
                .setPayloadSamples(0) // as agents say of flows they took no samples of: DPI passes them on at once
                .build();
    }

    long agentStartMs() {
        return agentStartMs;
    }

    /** The next flow, ending at {@code lastMs}; the returned record is reused by the following call. */
    FlowRecord next(long lastMs) {
        int link = random.nextInt(links.length);
        FlowRecord r = record;
        r.setAgentId(agents[link]);
        r.setLinkId(links[link]);
        r.setFlowSeq(++sequence[link]);
        r.setLastMs(lastMs);
        r.setFirstMs(lastMs - skewed(30_000));
        int client = skewed(CLIENTS);
        int server = skewed(SERVERS);
        ipv4(r.getSrcAddr().bytes(), 10, link, client);
        ipv4(r.getDstAddr().bytes(), 172, 16 + link % 16, server);
        int kind = random.nextInt(100);
        int proto = kind < 80 ? 6 : kind < 98 ? 17 : 1;
        r.setL4Proto(proto);
        r.setSrcPort(proto == 1 ? 0 : 32_768 + random.nextInt(28_232));
        r.setDstPort(proto == 1 ? 0 : proto == 17 && kind < 90 ? 53 : SERVICE_PORTS[random.nextInt(SERVICE_PORTS.length)]);
        long packets = 1 + skewed(2_000);
        long rev = packets / 2 + random.nextInt((int) Math.min(packets, 8) + 1);
        r.setPacketsFwd(packets);
        r.setPacketsRev(rev);
        r.setBytesFwd(packets * (60 + random.nextInt(200)));
        r.setBytesRev(rev * (60 + random.nextInt(1_440)));
        r.setTcpFlagsFwd(proto == 6 ? 0x1B : 0);
        r.setTcpFlagsRev(proto == 6 ? 0x1B : 0);
        r.setTtlMin(proto == 6 ? 52 + random.nextInt(8) : 64);
        r.setTtlMax(64);
        r.setEndReason(proto == 6 && kind < 60 ? EndReason.TCP_FIN : EndReason.IDLE_TIMEOUT);
        return r;
    }

    /** 0..n-1, the low values far more often (cubic skew: a few hosts carry most flows, as on a real link). */
    private int skewed(int n) {
        double u = random.nextDouble();
        return (int) (u * u * u * n);
    }

    private static void ipv4(byte[] a, int first, int second, int host) {
        a[10] = (byte) 0xFF;
        a[11] = (byte) 0xFF;
        a[12] = (byte) first;
        a[13] = (byte) second;
        a[14] = (byte) (host >>> 8);
        a[15] = (byte) host;
    }
}
