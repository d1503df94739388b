package io.tapflow.jobs.clickhouse;

import java.io.Serializable;
import java.net.URI;
import java.util.Objects;

/**
 * Where ClickHouse is and who we are there. Serializable because Flink ships it to the sink's task managers.
 *
 * @param url      HTTP endpoint, e.g. {@code http://127.0.0.1:8123}
 * @param database database the tables live in (created by the migrator)
 */
public record ClickHouseSettings(String url, String database, String user, String password) implements Serializable {
    public static final String DEFAULT_DATABASE = "tapflow";

    public ClickHouseSettings {
        Objects.requireNonNull(url, "url");
        URI uri = URI.create(url);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("ClickHouse URL must look like http://host:8123, got '" + url + "'");
        }
        if (database == null || !database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("ClickHouse database must be a plain identifier, got '" + database + "'");
        }
        user = user == null || user.isEmpty() ? "default" : user;
        password = password == null ? "" : password;
    }

    public static ClickHouseSettings of(String url) {
        return new ClickHouseSettings(url, DEFAULT_DATABASE, "default", "");
    }

    public ClickHouseSettings withDatabase(String otherDatabase) {
        return new ClickHouseSettings(url, otherDatabase, user, password);
    }

    @Override
    public String toString() {
        return url + "/" + database + " as " + user; // never the password
    }
}
