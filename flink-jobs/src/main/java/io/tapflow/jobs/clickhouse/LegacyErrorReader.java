package io.tapflow.jobs.clickhouse;

import com.clickhouse.client.api.ServerException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Gets the server's error message where client-v2 cannot. client-v2 0.9.9 finds the message in an error body by the
 * code in the {@code X-ClickHouse-Exception-Code} header; ClickHouse 18.16 does not send that header, so every error
 * arrives as "Code: 0 ... &lt;Unreadable error message&gt;". For those (and only those) the failed statement is sent
 * again over plain HTTP, where the body is the message ("Code: 62, e.displayText() = DB::Exception: Syntax error ...").
 */
final class LegacyErrorReader {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final ClickHouseSettings settings;
    private final String database;

    /** @param database the database statements run in, or null for the server's default */
    LegacyErrorReader(ClickHouseSettings settings, String database) {
        this.settings = settings;
        this.database = database;
    }

    /** True when client-v2 could not read the server's message (no exception-code header: ClickHouse before 19.x). */
    static boolean lostMessage(ServerException e) {
        return e.getCode() == 0 && e.getMessage() != null && e.getMessage().contains("<Unreadable error message>");
    }

    /**
     * Sends {@code sql} once more and returns the body if it now succeeds (a transient failure); otherwise throws a
     * {@link ClickHouseQueryException} with the server's message.
     */
    String rerun(String sql, ServerException original) {
        String endpoint = settings.url().replaceAll("/+$", "") + "/?wait_end_of_query=1"
                + (database == null ? "" : "&database=" + URLEncoder.encode(database, StandardCharsets.UTF_8));
        String credentials = settings.user() + ":" + settings.password();
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint))
                .timeout(TIMEOUT)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                .build();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 200) {
                return response.body();
            }
            // 18.16 repeats the exception class at the end: "..., e.what() = DB::Exception"
            String message = response.body().strip().replaceFirst(", e\\.what\\(\\) = [\\w:]+$", "");
            throw ClickHouseQueryException.rejected(settings.url(), sql, message, original);
        } catch (IOException e) {
            throw new ClickHouseUnreachableException(settings.url(), sql, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseQueryException("interrupted waiting for ClickHouse at " + settings.url(), sql, e);
        }
    }
}
