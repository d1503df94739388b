package io.tapflow.jobs.clickhouse;

import java.util.List;

/**
 * Rows of a SELECT as text, the way ClickHouse prints them in TabSeparated: numbers in decimal, dates as
 * {@code 2026-11-23 04:00:00}, arrays as {@code [1,2]}; a NULL is a Java {@code null}.
 */
public record QueryResult(List<String> columns, List<List<String>> rows) {

    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows); // the rows themselves may hold nulls, so they stay unmodifiable lists of their own
    }

    /** The index of a column by name. */
    public int column(String name) {
        int i = columns.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + name + "' in " + columns);
        }
        return i;
    }

    /** One column's values, top to bottom. */
    public List<String> values(String name) {
        int i = column(name);
        return rows.stream().map(r -> r.get(i)).toList();
    }

    /** The only value of a one-row, one-column result, e.g. {@code SELECT count() ...}. */
    public String single() {
        if (rows.size() != 1 || columns.size() != 1) {
            throw new IllegalStateException("expected one value, got " + rows.size() + " rows of " + columns);
        }
        return rows.get(0).get(0);
    }
}
