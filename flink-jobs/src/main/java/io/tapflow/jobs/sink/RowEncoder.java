package io.tapflow.jobs.sink;

import java.io.Serializable;
import java.util.List;

/** How one element type becomes one row of one ClickHouse table, in RowBinary, in {@link #columns()} order. */
public interface RowEncoder<T> extends Serializable {
    String table();

    List<String> columns();

    void encode(T element, RowBinaryOutput out);
}
