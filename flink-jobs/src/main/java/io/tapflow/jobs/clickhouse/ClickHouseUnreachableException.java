package io.tapflow.jobs.clickhouse;

/** Nothing answered at the URL (refused, unknown host, timed out): the server is down or the URL is wrong. */
public final class ClickHouseUnreachableException extends ClickHouseQueryException {
    private static final long serialVersionUID = 1L;

    ClickHouseUnreachableException(String url, String sql, Throwable cause) {
        super("cannot reach ClickHouse at " + url + " (" + rootMessage(cause) + ")", sql, cause);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }
}
