package io.tapflow.jobs.detect;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.Alert;
import io.tapflow.schema.FlowRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The behavioural detectors as a sub-graph, for the offline {@code detect} command (and, later, the live job): flow
 * records with event time (the flow's last packet) and watermarks in, {@link Alert}s out (an OPEN and a CLOSED record
 * per episode). Flows only: detection needs no payload.
 *
 * <pre>
 *   flows ─┬─keyBy(link, src)───────────▶ PortScanDetector ─┬─▶ alerts
 *          └─keyBy(link, dst, dst port)─▶ SynFloodDetector ─┘
 * </pre>
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
        return scans.union(floods);
    }
}
