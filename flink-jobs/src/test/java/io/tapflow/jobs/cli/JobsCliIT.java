package io.tapflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.servers.EmbeddedClickHouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JobsCliIT {
    private static EmbeddedClickHouse clickhouse;

    @BeforeAll
    static void startServer() {
        clickhouse = new EmbeddedClickHouse().start();
    }

    @AfterAll
    static void stopServer() {
        if (clickhouse != null) {
            clickhouse.close();
        }
    }

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = JobsCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void migrateThenMigrateAgainThenRetention() {
        String url = clickhouse.httpUrl();
        Run first = run("schema", "migrate", "--clickhouse", url, "--database", "cli");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("applied 0001_flows.sql (1 statement)", "applied 0004_agent_stats.sql");

        Run second = run("schema", "migrate", "--clickhouse", url, "--database", "cli");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).isEqualTo("schema of cli at " + url + " is up to date" + System.lineSeparator());

        clickhouse.query("INSERT INTO cli.links_1m VALUES (now() - 40 * 86400, 'a', 1, 2, 3, 0)");
        Run dryRun = run("retention", "--days", "30", "--clickhouse", url, "--database", "cli", "--dry-run");
        assertThat(dryRun.exit()).isZero();
        assertThat(dryRun.out()).startsWith("would drop cli.links_1m partition ");
        Run drop = run("retention", "--days", "30", "--clickhouse", url, "--database", "cli");
        assertThat(drop.out()).startsWith("dropped cli.links_1m partition ");
        assertThat(run("retention", "--days", "30", "--clickhouse", url, "--database", "cli").out()).startsWith("nothing older than 30 days");
    }

    @Test
    void anUnreachableServerIsOneLineNamingTheUrlAndExitCode1() {
        for (String[] args : new String[][] {{"schema", "migrate", "--clickhouse", "http://127.0.0.1:1"},
            {"retention", "--days", "30", "--clickhouse", "http://127.0.0.1:1"}}) {
            Run r = run(args);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("tapflow ").contains("cannot reach ClickHouse at http://127.0.0.1:1").hasLineCount(1);
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void badArgumentsExitWith2() {
        assertThat(run("schema", "migrate").exit()).isEqualTo(2);
        assertThat(run("schema", "migrate", "--clickhouse", "ftp://x").err()).contains("must look like http://host:8123");
        assertThat(run("schema", "migrate", "--clickhouse", "ftp://x").exit()).isEqualTo(2);
        assertThat(run("schema", "migrate", "--clickhouse", clickhouse.httpUrl(), "--database", "bad-name").exit()).isEqualTo(2);
        assertThat(run("retention", "--days", "0", "--clickhouse", clickhouse.httpUrl()).exit()).isEqualTo(2);
        assertThat(run("retention", "--days", "x", "--clickhouse", clickhouse.httpUrl()).exit()).isEqualTo(2);
        assertThat(run("nonsense").exit()).isEqualTo(2);
    }

    @Test
    void helpExitsWith0() {
        Run r = run("retention", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--days", "--dry-run", "Exit codes:");
        assertThat(run("schema", "migrate", "--help").out()).contains("schema_migrations");
    }
}
