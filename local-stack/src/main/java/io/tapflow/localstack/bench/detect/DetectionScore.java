package io.tapflow.localstack.bench.detect;

import io.tapflow.agent.bench.attack.Label;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scores the detectors' episodes against the attack labels. An OPEN alert is a true positive when a label has its
 * detector and subject and the alert's event time lies in {@code [start, end + window]} (the detector's window: it
 * may take one more window to see an attack that ends slowly); the label is then detected, with delay = alert time -
 * attack start. Every other OPEN alert is a false positive: on an attack's subject (too early or too late, or a
 * detector the attack is not labelled for) or on background traffic. A second episode within the same label's span is
 * a true alert (the attack is real) but counted apart as a repeat, since an attack should raise one episode.
 */
public final class DetectionScore {
    /** An episode's OPEN alert: who raised it, about what, at which event time. */
    public record Opened(String detector, String subject, long eventMs) {
    }

    /**
     * One detector, attack kind and rate.
     *
     * @param alerts      OPEN alerts matched to this row's labels (repeats included)
     * @param repeats     matched alerts beyond the first per label
     * @param falseAlerts unmatched alerts of this detector about this row's subjects
     * @param delaysMs    per detected label, sorted
     */
    public record Row(String detector, String kind, String group, double rate, int instances, int detected, int alerts,
                      int repeats, int falseAlerts, long[] delaysMs, long windowMs) {
        public double recall() {
            return (double) detected / instances;
        }

        /** NaN when nothing was raised. */
        public double precision() {
            return alerts + falseAlerts == 0 ? Double.NaN : (double) alerts / (alerts + falseAlerts);
        }

        /** Nearest-rank percentile of the delays, -1 when nothing was detected. */
        public long delayPercentile(double p) {
            if (delaysMs.length == 0) {
                return -1;
            }
            int rank = (int) Math.ceil(p / 100.0 * delaysMs.length);
            return delaysMs[Math.max(0, Math.min(delaysMs.length - 1, rank - 1))];
        }

        public long maxDelayMs() {
            return delaysMs.length == 0 ? -1 : delaysMs[delaysMs.length - 1];
        }

        /** Every detected instance was reported within one detector window of its start. */
        public boolean withinWindow() {
            return delaysMs.length > 0 && maxDelayMs() <= windowMs;
        }
    }

    /** A detector over the whole trace: its matched alerts and its false ones, on attack subjects and on background. */
    public record DetectorTotal(String detector, int trueAlerts, int falseOnAttackSubjects, int falseOnBackground) {
        public double precision() {
            int all = trueAlerts + falseOnAttackSubjects + falseOnBackground;
            return all == 0 ? Double.NaN : (double) trueAlerts / all;
        }
    }

    public record Score(List<Row> rows, List<DetectorTotal> totals, List<Opened> falsePositives) {
    }

    private DetectionScore() {
    }

    /** @param windowMs each detector's window (an alert of a detector without one gets no grace after the end) */
    public static Score score(List<Label> labels, List<Opened> alerts, Map<String, Long> windowMs) {
        Map<String, List<Integer>> bySubject = new HashMap<>();
        Set<String> attackSubjects = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            Label l = labels.get(i);
            bySubject.computeIfAbsent(l.detector() + " " + l.subject(), k -> new ArrayList<>()).add(i);
            attackSubjects.add(l.subject());
        }
        int[] matches = new int[labels.size()];
        long[] delay = new long[labels.size()];
        Map<String, Integer> falseByRowSubject = new HashMap<>();
        Map<String, int[]> totals = new TreeMap<>(); // detector -> {true, false on attacks, false on background}
        List<Opened> falsePositives = new ArrayList<>();
        List<Opened> ordered = new ArrayList<>(alerts);
        ordered.sort((a, b) -> Long.compare(a.eventMs(), b.eventMs())); // the first match of a label sets its delay
        for (Opened a : ordered) {
            int[] t = totals.computeIfAbsent(a.detector(), k -> new int[3]);
            long grace = windowMs.getOrDefault(a.detector(), 0L);
            int matched = -1;
            for (int i : bySubject.getOrDefault(a.detector() + " " + a.subject(), List.of())) {
                Label l = labels.get(i);
                if (a.eventMs() >= l.startMs() && a.eventMs() <= l.endMs() + grace) {
                    matched = i;
                    break;
                }
            }
            if (matched >= 0) {
                t[0]++;
                if (matches[matched]++ == 0) {
                    delay[matched] = a.eventMs() - labels.get(matched).startMs();
                }
            } else {
                falsePositives.add(a);
                if (attackSubjects.contains(a.subject())) {
                    t[1]++;
                    falseByRowSubject.merge(a.detector() + " " + a.subject(), 1, Integer::sum);
                } else {
                    t[2]++;
                }
            }
        }
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            Label l = labels.get(i);
            rows.computeIfAbsent(l.detector() + "|" + l.kind() + "|" + l.group(), k -> new ArrayList<>()).add(i);
        }
        List<Row> out = new ArrayList<>();
        for (List<Integer> members : rows.values()) {
            Label first = labels.get(members.get(0));
            int detected = 0;
            int alertCount = 0;
            int falseAlerts = 0;
            long[] delays = new long[members.size()];
            Set<String> subjects = new HashSet<>();
            for (int i : members) {
                if (matches[i] > 0) {
                    delays[detected++] = delay[i];
                }
                alertCount += matches[i];
                if (subjects.add(labels.get(i).subject())) {
                    falseAlerts += falseByRowSubject.getOrDefault(first.detector() + " " + labels.get(i).subject(), 0);
                }
            }
            long[] sorted = Arrays.copyOf(delays, detected);
            Arrays.sort(sorted);
            out.add(new Row(first.detector(), first.kind(), first.group(), first.rate(), members.size(), detected,
                    alertCount, alertCount - detected, falseAlerts, sorted, windowMs.getOrDefault(first.detector(), 0L)));
        }
        for (Label l : labels) {
            totals.computeIfAbsent(l.detector(), k -> new int[3]);
        }
        List<DetectorTotal> detectorTotals = new ArrayList<>();
        totals.forEach((d, t) -> detectorTotals.add(new DetectorTotal(d, t[0], t[1], t[2])));
        return new Score(out, detectorTotals, falsePositives);
    }
}
