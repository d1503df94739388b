package io.tapflow.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.jobs.testing.Flows;
import io.tapflow.schema.FlowRecord;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The per-link heavy-hitter operator: windows by the flow's last packet, both directions of a flow, rows on the
 * watermark, late flows counted and dropped, state gone after the window and carried through a checkpoint with
 * generic types disabled.
 */
class HeavyHittersTest {
    private static final long T0 = 1_700_000_080_000L; // 40 s into a minute

    private static FlowRecord flow(long lastMs, int src, int dst, long bytesFwd, long bytesRev) {
        FlowRecord r = DetectFlows.tcp(lastMs, 1, 1, 443, DetectFlows.DATA, DetectFlows.SYN_ACK);
        r.setSrcAddr(Flows.ipv4(10, 0, 0, src));
        r.setDstAddr(Flows.ipv4(192, 168, 0, dst));
        r.setBytesFwd(bytesFwd);
        r.setBytesRev(bytesRev);
        r.setPacketsFwd(bytesFwd / 100);
        r.setPacketsRev(bytesRev / 100);
        return r;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, FlowRecord, HeavyHitterRow> harness(int top)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new HeavyHitters(new HeavyHitterSettings(Duration.ofMinutes(1), 64, top))), FlowRecord::getLinkId,
                Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, FlowRecord, HeavyHitterRow> h, FlowRecord r)
            throws Exception {
        h.processElement(new StreamRecord<>(r, r.getLastMs()));
    }

    private static String text(HeavyHitterRow r) {
        return r.direction + " " + r.metric + " " + r.rank + " " + Episode.text(r.addr) + " " + r.estimate + " " + r.error;
    }

    @Test
    void aWindowRanksSendersAndReceiversByBytesAndPacketsWhenTheWatermarkPassesIt() throws Exception {
        var h = harness(2);
        h.open();
        send(h, flow(T0, 1, 1, 10_000, 200_000)); // 10.0.0.1 uploads little, downloads a lot from 192.168.0.1
        send(h, flow(T0 + 1_000, 2, 2, 50_000, 0));
        send(h, flow(T0 + 2_000, 1, 3, 5_000, 0));
        send(h, flow(T0 + 25_000, 3, 1, 1_000, 1_000)); // the next window: not in this one's rows
        h.processWatermark(new Watermark(T0 + 19_999)); // the end of the first minute
        List<HeavyHitterRow> rows = h.extractOutputValues();
        assertThat(rows).map(HeavyHittersTest::text).containsExactly(
                "src bytes 1 192.168.0.1 200000 0", "src bytes 2 10.0.0.2 50000 0",
                "src packets 1 192.168.0.1 2000 0", "src packets 2 10.0.0.2 500 0",
                "dst bytes 1 10.0.0.1 200000 0", "dst bytes 2 192.168.0.2 50000 0",
                "dst packets 1 10.0.0.1 2000 0", "dst packets 2 192.168.0.2 500 0");
        HeavyHitterRow first = rows.get(0);
        assertThat(first.windowStartMs).isEqualTo(T0 - 40_000);
        assertThat(first.windowEndMs).isEqualTo(first.windowStartMs + 60_000);
        assertThat(first.total).isEqualTo(10_000 + 200_000 + 50_000 + 5_000);
        assertThat(first.flows).isEqualTo(3);
        assertThat(first.bound).isZero(); // fewer addresses than counters: exact
        assertThat(first.counters).isEqualTo(64);
        assertThat(first.linkId).isEqualTo(DetectFlows.LINK);

        send(h, flow(T0 + 3_000, 9, 9, 999_999, 0)); // its window is out: late, dropped
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(h.extractOutputValues()).hasSize(8 + 8)
                .noneMatch(r -> r.estimate == 999_999);
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void anOpenWindowSurvivesACheckpointAndRestore() throws Exception {
        var h = harness(1);
        h.open();
        send(h, flow(T0, 1, 1, 7_000, 0));
        var snapshot = h.snapshot(1, T0);
        h.close();

        h = harness(1);
        h.initializeState(snapshot);
        h.open();
        send(h, flow(T0 + 1_000, 1, 2, 3_000, 0));
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(h.extractOutputValues()).map(HeavyHittersTest::text)
                .contains("src bytes 1 10.0.0.1 10000 0", "dst bytes 1 192.168.0.1 7000 0");
        h.close();
    }

    @Test
    void aWindowOfAHundredThousandAddressesKeepsItsFixedSize() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new HeavyHitters(HeavyHitterSettings.defaults())), FlowRecord::getLinkId, Types.STRING);
        h.open();
        HeavyHitters op = (HeavyHitters) ((KeyedProcessOperator<?, ?, ?>) h.getOneInputOperator()).getUserFunction();
        for (int i = 0; i < 100_000; i++) {
            FlowRecord r = flow(T0 + i / 10, 1, 1, 1_000, 0);
            r.setDstAddr(Flows.ipv4(172, 16 + (i >>> 16), i >>> 8 & 0xFF, i & 0xFF));
            send(h, r);
        }
        HeavyHitterWindow w = op.current().windows.get(0);
        // 4 sketches × (1024 counters × 40 bytes + a 2048-slot table × 4 bytes), whatever the number of addresses.
        assertThat(w.sizeBytes()).isEqualTo(4 * (1024 * 40 + 2048 * 4));
        assertThat(w.dstBytes.size).isEqualTo(1024);
        assertThat(w.srcBytes.estimate(Flows.ipv4(10, 0, 0, 1).bytes())).isEqualTo(100_000L * 1_000);
        h.close();
    }

    @Test
    void theStateIsAPojo() {
        assertThat(TypeInformation.of(HeavyHitterState.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(SpaceSaving.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(HeavyHitterRow.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
