package io.tapflow.localstack.bench.detect;

import io.tapflow.agent.bench.attack.AttackTrace;
import io.tapflow.jobs.detect.AlertJson;
import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.dpi.ClassifiedFlow;
import io.tapflow.localstack.detect.CaptureFlows;
import io.tapflow.localstack.detect.DetectCommand;
import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One benchmark run: generate the labelled trace, meter it and run the detectors exactly as {@code tapflow detect}
 * does (payload sampling off: the detectors read flow records only), then score the OPEN alerts against the labels.
 */
public final class DetectionBench {
    /**
     * @param flows       flow records the meter exported from the trace
     * @param alerts      OPEN and CLOSED alerts
     * @param meterErrors errors the replay reported (a generated trace should have none)
     */
    public record Outcome(AttackTrace.Result trace, int flows, List<Alert> alerts, List<String> meterErrors,
                          DetectionScore.Score score, double detectSeconds) {
    }

    private DetectionBench() {
    }

    /**
     * Writes {@code dir}/attacks.pcap and {@code dir}/attacks.labels.jsonl, then detects, writes every alert to
     * {@code dir}/alerts.jsonl (as {@code tapflow detect} prints them) and scores.
     */
    public static Outcome run(AttackTrace.Spec spec, DetectSettings settings, Path dir) throws Exception {
        AttackTrace.Result trace = AttackTrace.generate(spec, dir.resolve("attacks.pcap"),
                dir.resolve("attacks.labels.jsonl"));
        long t0 = System.nanoTime();
        CaptureFlows.Result metered = CaptureFlows.meter(trace.pcap(), 0, null); // payload off: flow behaviour only
        List<ClassifiedFlow> flows = new ArrayList<>(metered.flows());
        flows.sort(Comparator.comparingLong(c -> c.flow.getLastMs())); // as detect: event-time order, nothing late
        List<Alert> alerts = DetectCommand.run(flows, settings);
        double seconds = (System.nanoTime() - t0) / 1e9;
        try (Writer w = Files.newBufferedWriter(dir.resolve("alerts.jsonl"), StandardCharsets.UTF_8)) {
            for (Alert a : alerts) {
                w.write(AlertJson.format(a));
                w.write('\n');
            }
        }
        List<DetectionScore.Opened> opened = new ArrayList<>();
        for (Alert a : alerts) {
            if (a.getState() == AlertState.OPEN) {
                opened.add(new DetectionScore.Opened(a.getDetector(), a.getSubject(), a.getEpisodeId()));
            }
        }
        DetectionScore.Score score = DetectionScore.score(trace.labels(), opened, AttackMix.windowsMs(settings));
        return new Outcome(trace, flows.size(), alerts, metered.replay().errors(), score, seconds);
    }
}
