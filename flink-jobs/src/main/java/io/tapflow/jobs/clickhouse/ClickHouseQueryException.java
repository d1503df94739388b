package io.tapflow.jobs.clickhouse;

/** ClickHouse refused a statement; the message carries the server's own text and the statement. */
public class ClickHouseQueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_SQL_IN_MESSAGE = 300;

    private final String sql;

    public ClickHouseQueryException(String message, String sql, Throwable cause) {
        super(message, cause);
        this.sql = sql;
    }

    static ClickHouseQueryException rejected(String url, String sql, String serverMessage, Throwable cause) {
        return new ClickHouseQueryException("ClickHouse at " + url + " rejected `" + abbreviate(sql) + "`: " + serverMessage.strip(), sql, cause);
    }

    /** The statement as sent, in full. */
    public String sql() {
        return sql;
    }

    static String abbreviate(String sql) {
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_SQL_IN_MESSAGE ? oneLine : oneLine.substring(0, MAX_SQL_IN_MESSAGE) + "...";
    }
}
