package io.tapflow.agent.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.agent.decode.DecodedPacket;
import io.tapflow.agent.export.AddressFormat;
import io.tapflow.schema.EndReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The flow table on packets made by hand: merging, timeouts, TCP close, eviction, and its index against a HashMap model. */
class FlowTableTest {
    private static final long S = 1_000_000_000L;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;

    /** What the table handed to its expiry callback, copied out of the slot. */
    record Ended(long seq, EndReason reason, String src, int srcPort, String dst, int dstPort, int protocol, long packetsFwd,
                 long packetsRev, long bytesFwd, long bytesRev, long firstNs, long lastNs, int slot) {
        long packets() {
            return packetsFwd + packetsRev;
        }
    }

    private final List<Ended> ended = new ArrayList<>();
    private long modelCreations;

    private FlowTable table(int capacity, long idle, long active, long closeGrace) {
        return new FlowTable(capacity, idle, active, closeGrace, (t, s, reason) -> ended.add(new Ended(t.flowSeq(s), reason,
                AddressFormat.toString(t.srcHi(s), t.srcLo(s)), t.srcPort(s), AddressFormat.toString(t.dstHi(s), t.dstLo(s)),
                t.dstPort(s), t.protocol(s), t.packetsFwd(s), t.packetsRev(s), t.bytesFwd(s), t.bytesRev(s), t.firstNs(s),
                t.lastNs(s), s)));
    }

    private FlowTable table() {
        return table(1024, 30 * S, 120 * S, 2 * S);
    }

    private static DecodedPacket packet(int srcIp, int srcPort, int dstIp, int dstPort, int protocol, int tcpFlags) {
        DecodedPacket p = new DecodedPacket();
        p.ipVersion = 4;
        p.srcLo = DecodedPacket.IPV4_MAPPED_PREFIX | (srcIp & 0xFFFF_FFFFL);
        p.dstLo = DecodedPacket.IPV4_MAPPED_PREFIX | (dstIp & 0xFFFF_FFFFL);
        p.srcPort = srcPort;
        p.dstPort = dstPort;
        p.protocol = protocol;
        p.tcpFlags = tcpFlags;
        p.ttl = 64;
        p.mplsLabel = -1;
        return p;
    }

    private static final int A = 0x0A00_0001; // 10.0.0.1
    private static final int B = 0x0A00_0002; // 10.0.0.2

    private static DecodedPacket aToB(int flags) {
        return packet(A, 40000, B, 443, TCP, flags);
    }

    private static DecodedPacket bToA(int flags) {
        return packet(B, 443, A, 40000, TCP, flags);
    }

    // ---------------------------------------------------------------- signature ids

    @Test
    void aFlowKeepsFourDistinctSignatureIdsAndFlagsTheRest() {
        FlowTable t = table();
        int slot = t.update(aToB(SYN), 0, 60);
        assertThat(t.signatureCount(slot)).isZero();
        for (int id = 1; id <= FlowTable.SIGNATURES_PER_FLOW; id++) {
            assertThat(t.addSignature(slot, id * 1000)).isTrue();
            assertThat(t.addSignature(slot, id * 1000)).as("again: kept once").isTrue();
        }
        assertThat(t.signaturesDropped(slot)).isFalse();
        assertThat(t.addSignature(slot, 65_535)).isFalse();
        assertThat(t.addSignature(slot, 3000)).as("one it has").isTrue();
        assertThat(t.signaturesDropped(slot)).isTrue();
        assertThat(t.signatureCount(slot)).isEqualTo(4);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < t.signatureCount(slot); i++) {
            ids.add(t.signatureId(slot, i));
        }
        assertThat(ids).containsExactly(1000, 2000, 3000, 4000);
        // Other fields are untouched by the ids sharing their word.
        t.update(bToA(SYN | ACK), S, 60);
        assertThat(t.packetsFwd(slot)).isEqualTo(1);
        assertThat(t.packetsRev(slot)).isEqualTo(1);
        assertThat(t.tcpFlagsRev(slot)).isEqualTo(SYN | ACK);
        assertThat(t.signatureCount(slot)).isEqualTo(4);
    }

    @Test
    void signatureIdsSurviveActiveTimeoutSlicesAndAreGoneForTheNextFlowInTheSlot() {
        FlowTable t = table(4, 30 * S, 60 * S, 2 * S);
        int slot = t.update(aToB(SYN), 0, 60);
        t.addSignature(slot, 30);
        t.update(bToA(SYN | ACK), 25 * S, 60);
        t.update(aToB(ACK), 50 * S, 60);
        t.sweep(61 * S); // active timeout: a slice is exported, the flow goes on
        assertThat(ended).hasSize(1);
        assertThat(ended.get(0).reason()).isEqualTo(EndReason.ACTIVE_TIMEOUT);
        assertThat(t.signatureCount(slot)).isEqualTo(1);
        assertThat(t.signatureId(slot, 0)).isEqualTo(30);
        t.update(aToB(RST), 62 * S, 60);
        t.sweep(100 * S);
        assertThat(ended).hasSize(2);
        int next = t.update(packet(A, 1, B, 2, UDP, 0), 101 * S, 60);
        assertThat(t.signatureCount(next)).isZero();
        assertThat(t.signaturesDropped(next)).isFalse();
    }

    // ---------------------------------------------------------------- merging and direction

    @Test
    void bothDirectionsAreOneFlow() {
        FlowTable t = table();
        int s1 = t.update(aToB(SYN), 1 * S, 60);
        assertThat(t.direction()).isEqualTo(FlowTable.FORWARD);
        int s2 = t.update(bToA(SYN | ACK), 2 * S, 60);
        assertThat(t.direction()).isEqualTo(FlowTable.REVERSE);
        int s3 = t.update(aToB(ACK), 3 * S, 54);
        assertThat(t.direction()).isEqualTo(FlowTable.FORWARD);
        assertThat(s2).isEqualTo(s1);
        assertThat(s3).isEqualTo(s1);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.created()).isEqualTo(1);
        assertThat(t.packetsFwd(s1)).isEqualTo(2);
        assertThat(t.packetsRev(s1)).isEqualTo(1);
        assertThat(t.bytesFwd(s1)).isEqualTo(114);
        assertThat(t.bytesRev(s1)).isEqualTo(60);
        assertThat(t.tcpFlagsFwd(s1)).isEqualTo(SYN | ACK);
        assertThat(t.tcpFlagsRev(s1)).isEqualTo(SYN | ACK);
        assertThat(t.firstNs(s1)).isEqualTo(1 * S);
        assertThat(t.lastNs(s1)).isEqualTo(3 * S);

        t.flushAll(EndReason.END_OF_INPUT);
        assertThat(ended).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(EndReason.END_OF_INPUT);
            assertThat(e.packets()).isEqualTo(3);
        });
        assertThat(t.size()).isZero();
    }

    @Test
    void initiatorIsTheFirstPacketsSource() {
        FlowTable t = table();
        int slot = t.update(bToA(SYN | ACK), 1 * S, 60); // the capture started after the client's SYN
        assertThat(AddressFormat.toString(t.srcHi(slot), t.srcLo(slot))).isEqualTo("10.0.0.2");
        assertThat(t.srcPort(slot)).isEqualTo(443);
        assertThat(AddressFormat.toString(t.dstHi(slot), t.dstLo(slot))).isEqualTo("10.0.0.1");
        assertThat(t.dstPort(slot)).isEqualTo(40000);
        t.update(aToB(ACK), 2 * S, 54);
        assertThat(t.direction()).isEqualTo(FlowTable.REVERSE);
        assertThat(t.packetsFwd(slot)).isEqualTo(1);
        assertThat(t.packetsRev(slot)).isEqualTo(1);
    }

    @Test
    void protocolPortsAndVlanSeparateFlows() {
        FlowTable t = table();
        t.update(packet(A, 1000, B, 53, UDP, 0), S, 80);
        t.update(packet(A, 1000, B, 53, TCP, ACK), S, 80);
        t.update(packet(A, 1001, B, 53, UDP, 0), S, 80);
        t.update(packet(A, 53, B, 1000, UDP, 0), S, 80); // ports swapped, addresses not: another flow
        DecodedPacket tagged = packet(A, 1000, B, 53, UDP, 0);
        tagged.vlanOuter = 10;
        t.update(tagged, S, 80);
        tagged.vlanInner = 20;
        t.update(tagged, S, 80);
        assertThat(t.size()).isEqualTo(6);
        t.update(packet(B, 53, A, 1000, UDP, 0), S, 80);
        assertThat(t.size()).isEqualTo(6);
        assertThat(t.direction()).isEqualTo(FlowTable.REVERSE);
    }

    // ---------------------------------------------------------------- timeouts

    @Test
    void idleTimeoutSplitsAFlow() {
        FlowTable t = table(1024, 30 * S, 120 * S, 2 * S);
        DecodedPacket p = packet(A, 5000, B, 53, UDP, 0);
        int first = t.update(p, 0, 100);
        long firstSeq = t.flowSeq(first);
        t.update(p, 10 * S, 100);
        t.update(p, 40 * S, 100); // 30 s idle exactly: not more than the timeout, same flow
        assertThat(ended).isEmpty();
        int second = t.update(p, 70 * S + 1, 100); // 30 s + 1 ns idle: the old flow ends, a new one starts
        assertThat(ended).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
            assertThat(e.seq()).isEqualTo(firstSeq);
            assertThat(e.packets()).isEqualTo(3);
            assertThat(e.lastNs()).isEqualTo(40 * S);
        });
        assertThat(t.flowSeq(second)).isNotEqualTo(firstSeq);
        assertThat(t.packetsFwd(second)).isEqualTo(1);
        assertThat(t.firstNs(second)).isEqualTo(70 * S + 1);
        assertThat(t.created()).isEqualTo(2);

        // the sweep ends it too, without a packet
        t.sweep(100 * S + 1);
        assertThat(ended).hasSize(1);
        t.sweep(100 * S + 2);
        assertThat(ended).hasSize(2);
        assertThat(ended.get(1).reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
        assertThat(t.size()).isZero();
    }

    @Test
    void activeTimeoutSlicesAndTheSlicesAddUp() {
        FlowTable t = table(1024, 30 * S, 10 * S, 2 * S);
        long packets = 0;
        long bytes = 0;
        for (long sec = 0; sec < 65; sec++) {
            t.sweep(sec * S);
            int size = 60 + (int) sec;
            t.update(sec % 3 == 0 ? bToA(ACK) : aToB(ACK), sec * S, size);
            packets++;
            bytes += size;
        }
        t.flushAll(EndReason.END_OF_INPUT);
        assertThat(ended).hasSizeGreaterThan(4);
        assertThat(ended.subList(0, ended.size() - 1)).extracting(Ended::reason).containsOnly(EndReason.ACTIVE_TIMEOUT);
        assertThat(ended.getLast().reason()).isEqualTo(EndReason.END_OF_INPUT);
        assertThat(ended.stream().mapToLong(Ended::packets).sum()).isEqualTo(packets);
        assertThat(ended.stream().mapToLong(e -> e.bytesFwd() + e.bytesRev()).sum()).isEqualTo(bytes);
        assertThat(ended).extracting(Ended::seq).doesNotHaveDuplicates();
        assertThat(ended).extracting(Ended::src).containsOnly("10.0.0.2"); // the initiator stays the same in every slice
        for (Ended e : ended) {
            assertThat(e.lastNs() - e.firstNs()).isLessThanOrEqualTo(11 * S);
        }
        for (int i = 1; i < ended.size(); i++) {
            assertThat(ended.get(i).firstNs()).isGreaterThan(ended.get(i - 1).lastNs());
        }
        assertThat(t.created()).isEqualTo(1);
    }

    @Test
    void eachSliceCountsOnlyTheSamplesTakenUnderItsOwnFlowSeq() {
        List<Integer> samplesPerRecord = new ArrayList<>();
        FlowTable t = new FlowTable(16, 30 * S, 10 * S, 2 * S, (table, s, reason) -> samplesPerRecord.add(table.samplesTaken(s)));
        int slot = t.update(aToB(ACK), 0, 60);
        assertThat(t.takeSample(slot, 0, 2)).isZero();
        t.update(bToA(ACK), 1 * S, 60);
        assertThat(t.takeSample(slot, 1, 2)).isEqualTo(1);
        assertThat(t.samplesTaken(slot)).isEqualTo(2);
        t.sweep(11 * S); // first slice: both samples
        t.update(aToB(ACK), 12 * S, 60);
        assertThat(t.takeSample(slot, 0, 2)).isNotNegative(); // the forward direction's second sample, in slice two
        t.update(aToB(ACK), 13 * S, 60);
        assertThat(t.takeSample(slot, 0, 2)).isEqualTo(-1); // that direction has its two
        t.sweep(23 * S);
        t.update(bToA(ACK), 24 * S, 60);
        t.flushAll(EndReason.END_OF_INPUT);
        assertThat(samplesPerRecord).containsExactly(2, 1, 0);
    }

    @Test
    void anEmptySliceIsFreedSilentlyWhenIdle() {
        FlowTable t = table(16, 30 * S, 10 * S, 2 * S);
        t.update(aToB(ACK), 0, 60);
        t.sweep(11 * S); // slice with 1 packet
        assertThat(ended).singleElement().extracting(Ended::reason).isEqualTo(EndReason.ACTIVE_TIMEOUT);
        t.sweep(42 * S); // the empty remainder goes without a record
        assertThat(ended).hasSize(1);
        assertThat(t.size()).isZero();
    }

    // ---------------------------------------------------------------- TCP close

    @Test
    void finBothWaysThenANewSynStartsANewFlow() {
        FlowTable t = table();
        int slot = t.update(aToB(SYN), 1 * S, 60);
        long seq = t.flowSeq(slot);
        t.update(bToA(SYN | ACK), 1 * S, 60);
        t.update(aToB(FIN | ACK), 2 * S, 54);
        t.update(aToB(SYN), 2 * S, 60); // FIN one way only: a SYN (retransmission, say) stays in the flow
        assertThat(ended).isEmpty();
        t.update(bToA(FIN | ACK), 2 * S, 54);
        t.update(aToB(ACK), 2 * S, 54); // the last ACK after both FINs stays in the flow
        assertThat(ended).isEmpty();
        int next = t.update(aToB(SYN), 3 * S, 60); // same 5-tuple reused within the close grace
        assertThat(ended).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(EndReason.TCP_FIN);
            assertThat(e.seq()).isEqualTo(seq);
            assertThat(e.packets()).isEqualTo(6);
        });
        assertThat(t.flowSeq(next)).isNotEqualTo(seq);
        assertThat(t.packetsFwd(next)).isEqualTo(1);
    }

    @Test
    void rstThenANewSynStartsANewFlow() {
        FlowTable t = table();
        int slot = t.update(aToB(SYN), 1 * S, 60);
        long seq = t.flowSeq(slot);
        t.update(bToA(RST | ACK), 1 * S, 54);
        t.update(aToB(SYN | ACK), 1 * S, 60); // SYN+ACK is not a new connection
        assertThat(ended).isEmpty();
        t.update(aToB(SYN), 2 * S, 60);
        assertThat(ended).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(EndReason.TCP_RST);
            assertThat(e.seq()).isEqualTo(seq);
            assertThat(e.packets()).isEqualTo(3);
        });
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void closedFlowsEndAfterTheCloseGrace() {
        FlowTable t = table(1024, 30 * S, 120 * S, 2 * S);
        t.update(aToB(FIN | ACK), 0, 54);
        t.update(bToA(FIN | ACK), 0, 54);
        t.update(packet(A, 1, B, 2, TCP, RST), 0, 54);
        t.update(packet(A, 3, B, 4, TCP, FIN), 0, 54); // one-way FIN: not closed
        t.sweep(2 * S);
        assertThat(ended).isEmpty();
        t.sweep(2 * S + 1);
        assertThat(ended).extracting(Ended::reason).containsExactlyInAnyOrder(EndReason.TCP_FIN, EndReason.TCP_RST);
        assertThat(t.size()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- eviction

    @Test
    void evictionWhenFullTakesTheLeastRecentlySeen() {
        int capacity = 4; // smaller than the eviction sample: the whole table is looked at
        FlowTable t = table(capacity, 3600 * S, 7200 * S, 2 * S);
        for (int i = 0; i < 4; i++) {
            t.update(packet(A, 1000 + i, B, 80, TCP, ACK), i * S, 60);
        }
        t.update(packet(A, 1000, B, 80, TCP, ACK), 10 * S, 60); // flow 0 is now the most recent
        assertThat(t.evicted()).isZero();
        for (int i = 4; i < 10; i++) {
            t.update(packet(A, 1000 + i, B, 80, TCP, ACK), (10 + i) * S, 60);
            assertThat(t.size()).isLessThanOrEqualTo(capacity);
        }
        assertThat(t.evicted()).isEqualTo(6);
        assertThat(ended).hasSize(6).extracting(Ended::reason).containsOnly(EndReason.EVICTED);
        assertThat(ended).extracting(Ended::srcPort).containsExactly(1001, 1002, 1003, 1000, 1004, 1005);
        assertThat(t.size()).isEqualTo(capacity);
        t.flushAll(EndReason.SHUTDOWN);
        assertThat(ended.subList(6, ended.size())).extracting(Ended::srcPort).containsExactlyInAnyOrder(1006, 1007, 1008, 1009);
    }

    @Test
    void evictionKeepsCapacityOnALargerTable() {
        int capacity = 100;
        FlowTable t = table(capacity, 3600 * S, 7200 * S, 2 * S);
        long packets = 0;
        for (int i = 0; i < 10_000; i++) {
            t.update(packet(A + i, 1000 + (i % 50), B, 80, UDP, 0), i, 60);
            packets++;
            assertThat(t.size()).isLessThanOrEqualTo(capacity);
        }
        assertThat(t.evicted()).isEqualTo(10_000 - capacity);
        t.flushAll(EndReason.END_OF_INPUT);
        assertThat(ended.stream().mapToLong(Ended::packets).sum()).isEqualTo(packets);
        assertThat(ended.stream().filter(e -> e.reason() == EndReason.EVICTED).count()).isEqualTo(t.evicted());
    }

    @Test
    void capacityIsValidatedBeforeAnythingIsAllocated() {
        for (int bad : new int[] {0, -1, 1 << 29, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> table(bad, S, S, S)).as("capacity %d", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("flow table capacity").hasMessageContaining(": " + bad);
        }
        FlowTable one = table(1, S, S, S);
        one.update(aToB(SYN), 0, 60);
        one.update(bToA(SYN | ACK), 0, 60);
        one.update(packet(A, 1, B, 2, UDP, 0), 1, 60);
        assertThat(one.size()).isEqualTo(1);
        assertThat(one.evicted()).isEqualTo(1);
        assertThat(ended).singleElement().extracting(Ended::packets).isEqualTo(2L);
    }

    // ---------------------------------------------------------------- randomized against a model

    /** Both endpoints of a UDP conversation; "a" and "b" are just its two ends. */
    record Key(int ipA, int portA, int ipB, int portB, int vlan) {
        DecodedPacket packet(boolean fromA) {
            DecodedPacket p = fromA ? FlowTableTest.packet(ipA, portA, ipB, portB, UDP, 0) : FlowTableTest.packet(ipB, portB, ipA, portA, UDP, 0);
            p.vlanOuter = vlan;
            return p;
        }

        int home(int mask) {
            DecodedPacket p = packet(true);
            long k = FlowTable.key(p.srcPort, p.dstPort, p.protocol, p.vlanOuter, p.vlanInner);
            return (int) FlowTable.hash(p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort, k) & mask;
        }

        String endA() {
            return AddressFormat.toString(0, DecodedPacket.IPV4_MAPPED_PREFIX | (ipA & 0xFFFF_FFFFL)) + ":" + portA;
        }

        String endB() {
            return AddressFormat.toString(0, DecodedPacket.IPV4_MAPPED_PREFIX | (ipB & 0xFFFF_FFFFL)) + ":" + portB;
        }
    }

    static final class ModelFlow {
        final long seq;
        final boolean initiatorIsA;
        long fwd;
        long rev;
        long last;

        ModelFlow(long seq, boolean initiatorIsA, long last) {
            this.seq = seq;
            this.initiatorIsA = initiatorIsA;
            this.last = last;
        }
    }

    private static final long MODEL_IDLE = 5_000;

    @Test
    void randomizedAgainstAHashMapModel() {
        long seed = Long.getLong("tapflow.flowtable.seed", System.nanoTime());
        System.out.println("FlowTableTest.randomizedAgainstAHashMapModel seed=" + seed + " (-Dtapflow.flowtable.seed=" + seed + ")");
        Random rnd = new Random(seed);
        int capacity = 512;
        long idle = MODEL_IDLE;
        FlowTable t = table(capacity, idle, Long.MAX_VALUE / 4, 1);
        int mask = (Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1) - 1;

        // Half the keys are random; half crowd the index slots around its wrap-around point, so probe chains are long,
        // cross the end of the array, and every deletion has to shift entries back across it.
        List<Key> keys = new ArrayList<>();
        Set<Key> seen = new HashSet<>();
        while (keys.size() < 3000) {
            Key k = new Key(0x0A00_0000 | rnd.nextInt(1 << 16), 1024 + rnd.nextInt(60000), 0xC0A8_0000 | rnd.nextInt(1 << 16),
                    rnd.nextInt(4) == 0 ? 53 : 1024 + rnd.nextInt(60000), rnd.nextInt(8) == 0 ? 1 + rnd.nextInt(4094) : 0);
            if (keys.size() % 2 == 0) {
                int home = k.home(mask);
                if (home < mask - 11 && home > 12) {
                    continue;
                }
            }
            if (seen.add(k)) {
                keys.add(k);
            }
        }

        Map<Key, ModelFlow> model = new HashMap<>();
        Map<Long, Key> bySeq = new HashMap<>();
        Set<Long> usedSeqs = new HashSet<>();
        long now = 0;
        long evictions = 0;
        long packetsIn = 0;
        long packetsOut = 0;
        for (int op = 0; op < 300_000; op++) {
            Where where = new Where(seed, op);
            ended.clear();
            now += rnd.nextInt(40);
            int dice = rnd.nextInt(1000);
            if (dice == 0) {
                // sweep, then touch every live flow: each must be found where the model says it is
                t.sweep(now);
                long sweptAt = now;
                Set<Long> expected = model.values().stream().filter(f -> sweptAt - f.last > idle).map(f -> f.seq).collect(Collectors.toSet());
                assertThat(ended).as("%s", where).allSatisfy(e -> assertThat(e.reason()).isEqualTo(EndReason.IDLE_TIMEOUT));
                assertThat(ended.stream().map(Ended::seq).collect(Collectors.toSet())).as("%s", where).isEqualTo(expected);
                for (Ended e : ended) {
                    packetsOut += e.packets();
                    removeEnded(model, bySeq, e, where);
                }
                for (Key k : new ArrayList<>(model.keySet())) {
                    ended.clear();
                    packetsIn++;
                    sendAndCheck(t, model, bySeq, usedSeqs, k, rnd.nextBoolean(), now, where);
                    assertThat(ended).as("%s", where).isEmpty();
                }
                assertThat(t.size()).as("%s", where).isEqualTo(model.size());
                continue;
            }
            // a packet: calm phases keep to a few hundred busy keys (flows live, idle out, the table stays below capacity);
            // storms spray all keys (the table fills and evicts)
            boolean storm = (op / 20_000) % 3 == 2;
            Key k = keys.get(storm ? rnd.nextInt(keys.size()) : rnd.nextInt(300));
            boolean fromA = rnd.nextBoolean();
            ModelFlow before = model.get(k);
            boolean idledOut = before != null && now - before.last > idle;
            boolean full = model.size() == capacity;
            packetsIn++;
            sendAndCheck(t, model, bySeq, usedSeqs, k, fromA, now, where);
            int expectedEnds = 0;
            if (idledOut) {
                expectedEnds++;
                assertThat(ended.getFirst().reason()).as("%s", where).isEqualTo(EndReason.IDLE_TIMEOUT);
                assertThat(ended.getFirst().seq()).as("%s", where).isEqualTo(before.seq);
                assertThat(ended.getFirst().packets()).as("%s", where).isEqualTo(before.fwd + before.rev);
            }
            if (before == null && full) {
                expectedEnds++;
                assertThat(ended.getLast().reason()).as("%s", where).isEqualTo(EndReason.EVICTED);
                evictions++;
            }
            assertThat(ended).as("%s", where).hasSize(expectedEnds);
            for (Ended e : ended) {
                packetsOut += e.packets();
                if (e.reason() == EndReason.EVICTED) {
                    removeEnded(model, bySeq, e, where);
                }
            }
            assertThat(t.size()).as("%s", where).isEqualTo(model.size()).isLessThanOrEqualTo(capacity);
        }
        assertThat(t.created()).as("seed %d", seed).isEqualTo(modelCreations);
        assertThat(t.evicted()).as("seed %d", seed).isEqualTo(evictions);
        ended.clear();
        t.flushAll(EndReason.END_OF_INPUT);
        for (Ended e : ended) {
            packetsOut += e.packets();
            removeEnded(model, bySeq, e, new Where(seed, -1));
        }
        assertThat(model).as("seed %d", seed).isEmpty();
        assertThat(t.size()).isZero();
        assertThat(packetsOut).as("every packet ends in exactly one record, seed %d", seed).isEqualTo(packetsIn);
        System.out.printf("FlowTableTest: %d packets, %d flows created, %d evicted%n", packetsIn, t.created(), t.evicted());
        assertThat(evictions).as("the test must exercise eviction").isPositive();
    }

    /** Where a randomized run is, for assertion messages; formatted only when one fails. */
    record Where(long seed, int op) {
        @Override
        public String toString() {
            return "seed " + seed + ", op " + op;
        }
    }

    private static void removeEnded(Map<Key, ModelFlow> model, Map<Long, Key> bySeq, Ended e, Where where) {
        Key k = bySeq.remove(e.seq());
        assertThat(k).as("%s: ended an unknown flow %s", where, e).isNotNull();
        ModelFlow f = model.remove(k);
        assertThat(e.packets()).as("%s", where).isEqualTo(f.fwd + f.rev);
        assertThat(e.src() + ":" + e.srcPort()).as("%s: initiator", where).isEqualTo(f.initiatorIsA ? k.endA() : k.endB());
    }

    /** One packet; checks the slot the table returns against the model and updates the model (not for ended flows). */
    private void sendAndCheck(FlowTable t, Map<Key, ModelFlow> model, Map<Long, Key> bySeq, Set<Long> usedSeqs, Key k,
                              boolean fromA, long now, Where where) {
        ModelFlow f = model.get(k);
        if (f != null && now - f.last > MODEL_IDLE) {
            bySeq.remove(f.seq);
            model.remove(k);
            f = null;
        }
        int slot = t.update(k.packet(fromA), now, 100);
        long seq = t.flowSeq(slot);
        if (f == null) {
            assertThat(usedSeqs.add(seq)).as("%s: a new flow must get a new sequence number", where).isTrue();
            assertThat(t.direction()).as("%s", where).isEqualTo(FlowTable.FORWARD);
            modelCreations++;
            f = new ModelFlow(seq, fromA, now);
            model.put(k, f);
            bySeq.put(seq, k);
        } else {
            assertThat(seq).as("%s: flow of %s not found where it was", where, k).isEqualTo(f.seq);
            assertThat(t.direction()).as("%s", where).isEqualTo(fromA == f.initiatorIsA ? FlowTable.FORWARD : FlowTable.REVERSE);
        }
        if (fromA == f.initiatorIsA) {
            f.fwd++;
        } else {
            f.rev++;
        }
        f.last = now;
        assertThat(t.packetsFwd(slot)).as("%s", where).isEqualTo(f.fwd);
        assertThat(t.packetsRev(slot)).as("%s", where).isEqualTo(f.rev);
    }
}
