package io.tapflow.jobs.clickhouse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One migration file, e.g. {@code 0002_flow_aggregates.sql}: version 2. Its checksum is the SHA-256 of the file's
 * text, recorded when applied, so an edit after release is caught instead of silently diverging from the servers that
 * ran the old text.
 */
public record Migration(int version, String name, String sql, String checksum) {
    private static final Pattern NAME = Pattern.compile("(\\d{4})_[a-z0-9_]+\\.sql");

    public static Migration of(String name, String sql) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("migration file names look like 0001_some_name.sql, got '" + name + "'");
        }
        return new Migration(Integer.parseInt(m.group(1)), name, sql, sha256(sql));
    }

    /**
     * The statements, in order: lines that are only a {@code --} comment are dropped, and a {@code ;} at the end of a
     * line ends a statement. Statements must be idempotent ({@code IF NOT EXISTS}): ClickHouse DDL is not
     * transactional, so a file that fails half-way is run again from its first statement.
     */
    public List<String> statements() {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                add(out, current);
            } else {
                current.append(line.stripTrailing()).append('\n');
            }
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        statement.setLength(0);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
