package io.tapflow.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two XML files a bare clickhouse-server needs, in the {@code <yandex>} dialect that 18.16 reads (current releases
 * still accept it). Everything lives under one directory: data, tmp, logs. Logs go to files only, so a test run's
 * console stays quiet; {@link #errorLog()} is what a failed start quotes.
 *
 * @param dir      holds config.xml, users.xml, the logs and the data
 * @param httpPort HTTP interface on 127.0.0.1
 * @param tcpPort  native protocol on 127.0.0.1 (a server always opens one; nothing of ours uses it)
 */
record ClickHouseServerConfig(Path dir, int httpPort, int tcpPort) {

    Path configFile() {
        return dir.resolve("config.xml");
    }

    Path usersFile() {
        return dir.resolve("users.xml");
    }

    Path serverLog() {
        return dir.resolve("log/server.log");
    }

    Path errorLog() {
        return dir.resolve("log/server.err.log");
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    /** Writes (or rewrites, with new ports on a retry) both files. */
    void write() {
        try {
            Files.createDirectories(dir.resolve("log"));
            Files.createDirectories(dataDir());
            Files.writeString(configFile(), configXml(), StandardCharsets.UTF_8);
            Files.writeString(usersFile(), USERS_XML, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ClickHouse config under " + dir, e);
        }
    }

    private String configXml() {
        return """
                <?xml version="1.0"?>
                <yandex>
                  <logger>
                    <level>information</level>
                    <log>%s</log>
                    <errorlog>%s</errorlog>
                    <size>10M</size>
                    <count>2</count>
                    <console>0</console>
                  </logger>
                  <listen_host>127.0.0.1</listen_host>
                  <!-- On SIGTERM the server waits for idle keep-alive connections (10 s by default on 18.16). -->
                  <keep_alive_timeout>2</keep_alive_timeout>
                  <http_port>%d</http_port>
                  <tcp_port>%d</tcp_port>
                  <path>%s/</path>
                  <tmp_path>%s/</tmp_path>
                  <user_files_path>%s/</user_files_path>
                  <format_schema_path>%s/</format_schema_path>
                  <mark_cache_size>268435456</mark_cache_size>
                  <max_concurrent_queries>100</max_concurrent_queries>
                  <users_config>%s</users_config>
                  <default_profile>default</default_profile>
                  <default_database>default</default_database>
                  <timezone>UTC</timezone>
                </yandex>
                """.formatted(serverLog(), errorLog(), httpPort, tcpPort, dataDir(), dir.resolve("tmp"),
                dir.resolve("user_files"), dir.resolve("format_schemas"), usersFile());
    }

    // LowCardinality is experimental on 18.16 and drivers cannot pass the setting per query: it goes in the profile.
    private static final String USERS_XML = """
            <?xml version="1.0"?>
            <yandex>
              <profiles>
                <default>
                  <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
                  <max_memory_usage>4000000000</max_memory_usage>
                </default>
              </profiles>
              <users>
                <default>
                  <password></password>
                  <networks>
                    <ip>127.0.0.1</ip>
                    <ip>::1</ip>
                  </networks>
                  <profile>default</profile>
                  <quota>default</quota>
                </default>
              </users>
              <quotas>
                <default>
                  <interval>
                    <duration>3600</duration>
                    <queries>0</queries>
                    <errors>0</errors>
                    <result_rows>0</result_rows>
                    <read_rows>0</read_rows>
                    <execution_time>0</execution_time>
                  </interval>
                </default>
              </quotas>
            </yandex>
            """;
}
