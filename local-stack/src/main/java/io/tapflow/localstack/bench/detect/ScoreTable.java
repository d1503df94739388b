package io.tapflow.localstack.bench.detect;

import io.tapflow.agent.bench.attack.AttackGroup;
import io.tapflow.agent.bench.attack.AttackKind;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The benchmark's result as Markdown tables: per detector, attack and rate; then per detector over the trace. */
final class ScoreTable {
    private static final int MAX_LISTED = 10;

    private ScoreTable() {
    }

    static void print(PrintWriter o, DetectionScore.Score score, List<AttackGroup> groups, int backgroundCaptures,
                      long seed) {
        o.printf(Locale.ROOT, "%nseed %d, %d background captures; delay = alert event time - attack start%n%n", seed,
                backgroundCaptures);
        o.println("| detector | attack | rate | instances | detected | recall | alerts (repeats) | false | precision"
                + " | delay p50 | p99 | max | ≤ window |");
        o.println("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (DetectionScore.Row r : score.rows()) {
            o.printf(Locale.ROOT, "| %s | %s | %s (%s %s) | %d | %d | %.3f | %d (%d) | %d | %s | %s | %s | %s | %s |%n",
                    r.detector(), r.kind(), r.group(), rate(r.rate()), unit(groups, r), r.instances(), r.detected(),
                    r.recall(), r.alerts(), r.repeats(), r.falseAlerts(), ratio(r.precision()),
                    ms(r.delayPercentile(50)), ms(r.delayPercentile(99)), ms(r.maxDelayMs()),
                    r.detected() == 0 ? "-" : r.withinWindow() ? "yes (" + ms(r.windowMs()) + ")" : "NO (" + ms(r.windowMs()) + ")");
        }
        o.println();
        o.println("| detector | true alerts | false on attack subjects | false on background | precision |");
        o.println("| --- | ---: | ---: | ---: | ---: |");
        for (DetectionScore.DetectorTotal t : score.totals()) {
            o.printf(Locale.ROOT, "| %s | %d | %d | %d | %s |%n", t.detector(), t.trueAlerts(), t.falseOnAttackSubjects(),
                    t.falseOnBackground(), ratio(t.precision()));
        }
        if (!score.falsePositives().isEmpty()) {
            o.printf(Locale.ROOT, "%nfalse positives (first %d of %d):%n", Math.min(MAX_LISTED, score.falsePositives().size()),
                    score.falsePositives().size());
            score.falsePositives().stream().limit(MAX_LISTED)
                    .forEach(a -> o.printf(Locale.ROOT, "  %s %s at %d%n", a.detector(), a.subject(), a.eventMs()));
        }
    }

    private static String unit(List<AttackGroup> groups, DetectionScore.Row r) {
        return groups.stream().filter(g -> g.kind().label().equals(r.kind())).map(g -> g.kind().unit()).findFirst()
                .orElse(AttackKind.SYN_FLOOD.unit());
    }

    private static String rate(double r) {
        return r >= 10 ? String.format(Locale.ROOT, "%.0f", r) : String.format(Locale.ROOT, "%.3g", r);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String ms(long v) {
        if (v < 0) {
            return "-";
        }
        return v < 10_000 ? v + " ms" : String.format(Locale.ROOT, "%.1f s", v / 1000.0);
    }
}
