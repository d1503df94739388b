package io.tapflow.jobs.sink;

import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.ClickHouseSettings;
import java.util.List;

/**
 * Finds out why an insert failed when the server's answer was unreadable: client-v2 cannot read ClickHouse 18.x error
 * bodies ("&lt;Unreadable error message&gt;"), and an insert cannot simply be sent again to see the message. A
 * SELECT of the same columns from the same table reproduces the usual causes (no such database, table or column)
 * with a message people can act on.
 */
final class InsertDiagnosis {
    private InsertDiagnosis() {
    }

    static boolean unreadable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("<Unreadable error message>")) {
                return true;
            }
        }
        return false;
    }

    static String explain(ClickHouseSettings settings, String table, List<String> columns) {
        try (ClickHouseQueries db = ClickHouseQueries.open(settings)) {
            db.select("SELECT " + String.join(", ", columns) + " FROM " + table + " LIMIT 0");
            return "the table and its columns exist; the server's own message was not readable";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
