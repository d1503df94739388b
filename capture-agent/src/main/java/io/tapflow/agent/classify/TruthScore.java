package io.tapflow.agent.classify;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores verdicts against nDPI's truth the way {@code testdata/tools/compare_truth.py dpi} does: a row nDPI names
 * agrees when the first record of its 5-tuple has the same app (and the same master where nDPI gives one); a row
 * nDPI calls Unknown counts as a claim when the record names anything.
 */
public final class TruthScore {
    /** Per nDPI app_protocol: rows, rows agreed. */
    public record Row(int named, int agreed) {
    }

    private final Map<String, int[]> perProto = new TreeMap<>();
    private final Map<String, Integer> misses = new HashMap<>();
    private int named;
    private int agreed;
    private int unknown;
    private int claimed;
    private int withName;
    private int nameAgreed;

    /** Truth rows grouped by capture file name. */
    public static Map<String, List<Map<String, String>>> loadTruth(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        String[] header = split(lines.get(0));
        Map<String, List<Map<String, String>>> byPcap = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = split(lines.get(i));
            Map<String, String> row = new HashMap<>();
            for (int j = 0; j < header.length && j < f.length; j++) {
                row.put(header[j], f[j]);
            }
            byPcap.computeIfAbsent(row.get("pcap"), k -> new ArrayList<>()).add(row);
        }
        return byPcap;
    }

    private static String[] split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out.toArray(String[]::new);
    }

    /** Adds one capture: its truth rows against its classified flows. */
    public void add(List<Map<String, String>> truth, List<ClassifiedFlow> flows) {
        Map<String, ClassifiedFlow> first = new HashMap<>();
        for (ClassifiedFlow f : flows) {
            first.putIfAbsent(key(f.proto(), f.srcIp(), f.srcPort(), f.dstIp(), f.dstPort()), f);
        }
        for (Map<String, String> r : truth) {
            String k = key(r.get("l4proto"), r.get("ip_a"), Integer.parseInt(r.get("port_a")), r.get("ip_b"),
                    Integer.parseInt(r.get("port_b")));
            ClassifiedFlow f = first.get(k);
            String app = f == null ? "Unknown" : f.verdict().app();
            String master = f == null ? "" : f.verdict().master();
            String nName = r.getOrDefault("server_name", "");
            if (!nName.isEmpty()) {
                withName++;
                if (f != null && f.verdict().serverName().equalsIgnoreCase(nName)) {
                    nameAgreed++;
                }
            }
            String nApp = r.get("app_protocol");
            String nMaster = r.getOrDefault("master_protocol", "");
            if (nApp.equals("Unknown")) {
                unknown++;
                if (!app.equals("Unknown")) {
                    claimed++;
                    misses.merge("claimed Unknown as " + f.verdict().label(), 1, Integer::sum);
                }
                continue;
            }
            named++;
            int[] pp = perProto.computeIfAbsent(nApp, x -> new int[2]);
            pp[0]++;
            boolean good = app.equalsIgnoreCase(nApp) && (nMaster.isEmpty() || master.equalsIgnoreCase(nMaster));
            if (good) {
                agreed++;
                pp[1]++;
            } else {
                String label = nMaster.isEmpty() ? nApp : nMaster + "." + nApp;
                misses.merge(label + " -> " + (f == null ? "(flow missing)" : f.verdict().label()), 1, Integer::sum);
            }
        }
    }

    static String key(String proto, String a, int pa, String b, int pb) {
        String ea = norm(a) + "|" + pa;
        String eb = norm(b) + "|" + pb;
        return proto.toUpperCase(Locale.ROOT) + "/" + (ea.compareTo(eb) <= 0 ? ea + "/" + eb : eb + "/" + ea);
    }

    private static String norm(String ip) {
        try {
            return InetAddress.getByName(ip.replace("[", "").replace("]", "")).getHostAddress();
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    public double agreementPct() {
        return 100.0 * agreed / Math.max(named, 1);
    }

    public double claimPct() {
        return 100.0 * claimed / Math.max(unknown, 1);
    }

    public int named() {
        return named;
    }

    public int agreed() {
        return agreed;
    }

    public int unknown() {
        return unknown;
    }

    public int claimed() {
        return claimed;
    }

    public Map<String, Row> perProtocol() {
        Map<String, Row> r = new TreeMap<>();
        perProto.forEach((k, v) -> r.put(k, new Row(v[0], v[1])));
        return r;
    }

    /** The per-protocol table (worst first), the commonest disagreements, and the summary line. */
    public void print(PrintStream out, int maxMisses) {
        out.println("| nDPI app_protocol | rows | agree | % |");
        out.println("| --- | ---: | ---: | ---: |");
        perProto.entrySet().stream()
                .sorted((x, y) -> Integer.compare(y.getValue()[0], x.getValue()[0]))
                .forEach(e -> out.printf("| %s | %d | %d | %.0f%% |%n", e.getKey(), e.getValue()[0], e.getValue()[1],
                        100.0 * e.getValue()[1] / e.getValue()[0]));
        out.println();
        out.println("disagreements (nDPI -> TapFlow):");
        misses.entrySet().stream().sorted((x, y) -> Integer.compare(y.getValue(), x.getValue())).limit(maxMisses)
                .forEach(e -> out.printf("  %4d  %s%n", e.getValue(), e.getKey()));
        out.printf("server_name agreement on rows where nDPI has one: %d/%d%n", nameAgreed, withName);
        out.printf("dpi agreement on named rows: %d/%d = %.2f%%; claims on nDPI-Unknown rows: %d/%d = %.2f%%%n",
                agreed, named, agreementPct(), claimed, unknown, claimPct());
    }
}
