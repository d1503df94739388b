package io.tapflow.jobs.sink;

import java.util.List;

/** A {@link RowEncoder} for a fixed table and column list; subclasses only say how one element is written. */
abstract class TableRows<T> implements RowEncoder<T> {
    private static final long serialVersionUID = 1L;
    private final String table;
    private final List<String> columns;

    TableRows(String table, List<String> columns) {
        this.table = table;
        this.columns = List.copyOf(columns);
    }

    @Override
    public final String table() {
        return table;
    }

    @Override
    public final List<String> columns() {
        return columns;
    }
}
