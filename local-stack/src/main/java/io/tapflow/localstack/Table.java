package io.tapflow.localstack;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for terminal summaries: numbers right-aligned, text left-aligned. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<List<Boolean>> numeric = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        List<Boolean> n = new ArrayList<>();
        for (Object c : cells) {
            boolean number = c instanceof Long || c instanceof Integer;
            r.add(number ? String.format("%,d", ((Number) c).longValue()) : String.valueOf(c));
            n.add(number);
        }
        rows.add(r);
        numeric.add(n);
        return this;
    }

    public void print(PrintStream out, String title) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        out.println();
        out.println(title);
        line(out, header, null, width);
        StringBuilder rule = new StringBuilder();
        for (int w : width) {
            rule.append("-".repeat(w)).append("  ");
        }
        out.println(rule.toString().stripTrailing());
        for (int i = 0; i < rows.size(); i++) {
            line(out, rows.get(i), numeric.get(i), width);
        }
    }

    private static void line(PrintStream out, List<String> cells, List<Boolean> right, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            b.append(right != null && right.get(i) ? " ".repeat(width[i] - c.length()) + c : c + " ".repeat(width[i] - c.length())).append("  ");
        }
        out.println(b.toString().stripTrailing());
    }
}
