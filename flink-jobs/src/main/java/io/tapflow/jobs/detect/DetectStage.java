package io.tapflow.jobs.detect;

import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.FlowRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The behavioural detectors as a sub-graph, for the offline {@code detect} command and the live aggregation job: flow
 * records with event time (the flow's last packet) and watermarks in, {@link Alert}s out (an OPEN and a CLOSED record
 * per episode). Flows only: detection needs no payload.
 *
 * <pre>
 *   flows ─┬─keyBy(link, src)───────────▶ PortScanDetector ─┬─▶ alerts
 *          ├─keyBy(link, dst, dst port)─▶ SynFloodDetector ─┤
 *          ├─both ends─keyBy(link, host)▶ P2pDetector ──────┤
 *          ├─keyBy(link, src)───────────▶ FanOutDetector ───┤
 *          └─keyBy(link, src)───────────▶ TrwScanDetector ──┘
 *
 *   classified flows ─keyBy(link, client)─▶ DnsAnomalyDetector ─▶ alerts   ({@link #dns})
 * </pre>
 *
 * <p>{@link #heavyHitters} is a separate stream on the same flows (keyBy link → {@link HeavyHitters}), not alerts.
 */
public final class DetectStage {
    private DetectStage() {
    }

    public static DataStream<Alert> detect(DataStream<FlowRecord> flows, DetectSettings settings) {
        TypeInformation<Alert> alerts = TypeInformation.of(Alert.class);
        DataStream<Alert> scans = flows.keyBy(DetectKeys.SOURCE, BinaryKey.TYPE)
                .process(new PortScanDetector(settings), alerts)
                .uid("detect-port-scan").name("detect: port scans (" + settings.scanPorts() + " ports / "
                        + settings.scanHosts() + " hosts in " + settings.scanWindow() + ")");
        DataStream<Alert> floods = flows.keyBy(DetectKeys.VICTIM, BinaryKey.TYPE)
                .process(new SynFloodDetector(settings), alerts)
                .uid("detect-syn-flood").name("detect: SYN floods (" + settings.floodRatePerSecond() + "/s over "
                        + settings.floodWindow() + ")");
        DataStream<Alert> p2p = flows.flatMap(HostFlow.BOTH_ENDS, TypeInformation.of(HostFlow.class))
                .uid("detect-p2p-both-ends").name("detect: each flow from both ends")
                .keyBy(HostFlow.HOST, BinaryKey.TYPE)
                .process(new P2pDetector(settings), alerts)
                .uid("detect-p2p").name("detect: P2P hosts (" + settings.p2pMinTcpUdpPeers() + " TCP+UDP peers or "
                        + settings.p2pMinPeers() + " peers ≈ ports in " + settings.p2pWindow() + ")");
        DataStream<Alert> fanOut = flows.keyBy(DetectKeys.SOURCE, BinaryKey.TYPE)
                .process(new FanOutDetector(settings), alerts)
                .uid("detect-fan-out").name("detect: fan-out (" + settings.fanOutPeers() + " peers or "
                        + settings.fanOutConnections() + " connections in " + settings.fanOutWindow() + ")");
        TrwSettings trw = settings.trw();
        DataStream<Alert> trwScans = flows.keyBy(DetectKeys.SOURCE, BinaryKey.TYPE)
                .process(new TrwScanDetector(trw), alerts)
                .uid("detect-trw-scan").name("detect: TRW scans (θ0 " + trw.theta0() + ", θ1 " + trw.theta1()
                        + ", P_D " + trw.detection() + ", P_F " + trw.falseAlarm() + " in " + trw.window() + ")");
        return scans.union(floods, p2p, fanOut, trwScans);
    }

    /**
     * The DNS anomaly detector, on flows after DPI: the query rate needs only the records, NXDOMAIN ratios and
     * tunnel names need the verdict's DNS fields (unclassified flows simply have none). Event time is the flow's last
     * packet, as {@link io.tapflow.jobs.dpi.DpiStage} emits them.
     */
    public static DataStream<Alert> dns(DataStream<ClassifiedFlow> classified, DetectSettings settings) {
        DnsSettings d = settings.dns();
        return classified.keyBy(DnsAnomalyDetector.CLIENT, BinaryKey.TYPE)
                .process(new DnsAnomalyDetector(d), TypeInformation.of(Alert.class))
                .uid("detect-dns").name("detect: DNS anomalies (" + d.maxQueries() + " queries, " + d.nxdomainMin()
                        + " NXDOMAIN at " + d.nxdomainRatio() + ", " + d.tunnelMinNames() + " tunnel names in "
                        + d.window() + ")");
    }

    /**
     * Heavy hitters per link ({@link HeavyHitters}): the top source and destination addresses by bytes and packets
     * in each window, keyed by link. Not alerts: a stream of its own, for ClickHouse table {@code heavy_hitters}.
     */
    public static DataStream<HeavyHitterRow> heavyHitters(DataStream<FlowRecord> flows, HeavyHitterSettings settings) {
        return flows.keyBy(FlowRecord::getLinkId, Types.STRING)
                .process(new HeavyHitters(settings), TypeInformation.of(HeavyHitterRow.class))
                .uid("heavy-hitters").name("heavy hitters: top " + settings.topN() + " per link in "
                        + settings.window() + " (" + settings.counters() + " Space-Saving counters)");
    }
}
