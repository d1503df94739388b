package io.tapflow.jobs.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ClientException;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Small administrative statements (migrations, retention, checks) over client-v2, with results as text. Not for bulk
 * data: the sink writes RowBinary.
 *
 * <p>SELECTs get {@code FORMAT TabSeparatedWithNames} written into the SQL, because 18.16 ignores the format that
 * client-v2 asks for in a header. Failures become a {@link ClickHouseQueryException} with the server's message and the
 * SQL, or a {@link ClickHouseUnreachableException} naming the URL.
 *
 * <pre>{@code
 * try (ClickHouseQueries ch = ClickHouseQueries.open(settings)) {
 *     ch.execute("ALTER TABLE flows DROP PARTITION 20261014");
 *     long n = Long.parseLong(ch.select("SELECT count() FROM flows FINAL").single());
 * }
 * }</pre>
 */
public final class ClickHouseQueries implements AutoCloseable {
    private static final Pattern TRAILING_SEMICOLONS = Pattern.compile("[\\s;]+$");

    private final Client client;
    private final LegacyErrorReader legacyErrors;
    private final String url;

    private ClickHouseQueries(Client client, ClickHouseSettings settings, String database) {
        this.client = client;
        this.url = settings.url();
        this.legacyErrors = new LegacyErrorReader(settings, database);
    }

    /** Statements run in the settings' database (which must exist). */
    public static ClickHouseQueries open(ClickHouseSettings settings) {
        return new ClickHouseQueries(ClickHouseClients.open(settings), settings, settings.database());
    }

    /** Statements run in the server's default database: for creating ours, or for fully qualified names. */
    public static ClickHouseQueries openServer(ClickHouseSettings settings) {
        return new ClickHouseQueries(ClickHouseClients.openServer(settings), settings, null);
    }

    public String url() {
        return url;
    }

    /** Runs a SELECT (or SHOW, DESCRIBE, EXISTS) written without a FORMAT clause. */
    public QueryResult select(String sql) {
        String formatted = TRAILING_SEMICOLONS.matcher(sql).replaceAll("") + "\nFORMAT TabSeparatedWithNames";
        String body;
        try {
            body = fetch(formatted);
        } catch (ServerException e) {
            if (!LegacyErrorReader.lostMessage(e)) {
                throw ClickHouseQueryException.rejected(url, formatted, e.getMessage(), e);
            }
            // A read-only statement that failed: running it again is safe, and this time we see the answer.
            body = legacyErrors.rerun(formatted, e);
        }
        return TabSeparated.parseWithNames(body);
    }

    /**
     * Runs a statement without a result (DDL, ALTER, INSERT ... VALUES). On a server too old to report an error in a
     * way client-v2 reads (18.16), a failed statement is sent once more over plain HTTP to read the server's message;
     * it failed the first time, so the second try is an ordinary retry.
     */
    public void execute(String sql) {
        try {
            closeQuietly(await(() -> client.execute(sql), sql));
        } catch (ServerException e) {
            if (!LegacyErrorReader.lostMessage(e)) {
                throw ClickHouseQueryException.rejected(url, sql, e.getMessage(), e);
            }
            legacyErrors.rerun(sql, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** Waits for client-v2's future; maps connection failures to {@link ClickHouseUnreachableException}. */
    private <T> T await(Supplier<CompletableFuture<T>> request, String sql) {
        try {
            return request.get().get(); // client-v2 throws from the call itself as well as through the future
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseQueryException("interrupted waiting for ClickHouse at " + url, sql, e);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), sql);
        } catch (RuntimeException e) {
            throw translate(e, sql);
        }
    }

    private RuntimeException translate(Throwable t, String sql) {
        if (t instanceof ServerException se) {
            return se;
        }
        if (t instanceof ConnectionInitiationException || (t instanceof ClientException && t.getCause() instanceof IOException)) {
            return new ClickHouseUnreachableException(url, sql, t);
        }
        return new ClickHouseQueryException("ClickHouse at " + url + " failed `" + ClickHouseQueryException.abbreviate(sql) + "`: "
                + t.getMessage(), sql, t);
    }

    private String fetch(String sql) {
        // The server buffers the whole answer, so an error half-way is an error status, not text appended to rows.
        QuerySettings settings = new QuerySettings().serverSetting("wait_end_of_query", "1");
        QueryResponse response = await(() -> client.query(sql, settings), sql);
        try (InputStream in = response.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClickHouseQueryException("reading the answer of ClickHouse at " + url + " failed: " + e.getMessage(), sql, e);
        } finally {
            closeQuietly(response);
        }
    }

    private static void closeQuietly(AutoCloseable response) {
        try {
            response.close();
        } catch (Exception ignored) {
            // the answer is read; releasing the connection cannot change it
        }
    }
}
