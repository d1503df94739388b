package io.tapflow.jobs.clickhouse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses ClickHouse's {@code TabSeparatedWithNames} output. Values never contain a raw tab or newline: the server
 * escapes them ({@code \t \n \\ \' ...}) and writes NULL as {@code \N}. Column names are escaped the same way.
 */
final class TabSeparated {
    private TabSeparated() {
    }

    static QueryResult parseWithNames(String text) {
        List<List<String>> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length(); // a last line without its newline
            }
            lines.add(fields(text, start, end));
            start = end + 1;
        }
        if (lines.isEmpty()) {
            return new QueryResult(List.of(), List.of());
        }
        return new QueryResult(lines.get(0), lines.subList(1, lines.size()));
    }

    private static List<String> fields(String text, int start, int end) {
        List<String> out = new ArrayList<>();
        int fieldStart = start;
        for (int i = start; i <= end; i++) {
            if (i == end || text.charAt(i) == '\t') {
                out.add(unescape(text, fieldStart, i));
                fieldStart = i + 1;
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the value, or null for {@code \N} */
    static String unescape(CharSequence s, int from, int to) {
        if (to - from == 2 && s.charAt(from) == '\\' && s.charAt(from + 1) == 'N') {
            return null;
        }
        StringBuilder b = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == to) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            b.append(switch (e) {
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'r' -> '\r';
                case 'n' -> '\n';
                case 't' -> '\t';
                case '0' -> '\0';
                case 'a' -> '\007';
                case 'v' -> '\013';
                default -> e; // \\ \' and anything else: the character itself
            });
        }
        return b.toString();
    }
}
