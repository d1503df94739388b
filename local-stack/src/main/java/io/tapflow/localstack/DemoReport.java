package io.tapflow.localstack;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.export.Protocols;
import io.tapflow.jobs.clickhouse.ClickHouseQueries;
import io.tapflow.jobs.clickhouse.QueryResult;
import java.io.PrintStream;
import java.util.List;

/**
 * The demo's summary, every figure from a ClickHouse query (the same SQL a Grafana panel would run) except the
 * agents' own counters. Exact figures use FINAL: rows written twice after a restart count once.
 */
final class DemoReport {
    /** An address as people write it: IPv4-mapped IPv6 shown as plain IPv4. */
    private static final String HOST = "replaceRegexpOne(IPv6NumToString(%s), '^::ffff:', '')";

    private final PrintStream out;
    private final ClickHouseQueries db;
    private final int top;

    DemoReport(PrintStream out, ClickHouseQueries db, int top) {
        this.out = out;
        this.db = db;
        this.top = top;
    }

    /** @return 0 when every stage agrees, 1 otherwise */
    int print(List<AgentRunner.Result> runs, long kafkaFlowRecords, long deadLetters) {
        Table links = new Table("link", "flows", "packets", "bytes");
        for (List<String> r : rows("SELECT link_id, sum(flows), sum(packets), sum(bytes) AS b FROM links_1h FINAL"
                + " GROUP BY link_id ORDER BY b DESC, link_id LIMIT " + top)) {
            links.row(r.get(0), num(r.get(1)), num(r.get(2)), num(r.get(3)));
        }
        long linkCount = num(single("SELECT uniqExact(link_id) FROM links_1h FINAL"));
        links.print(out, "Traffic per link (links_1h), top " + top + " of " + linkCount + " by bytes");

        Table talkers = new Table("host", "flows", "packets", "bytes");
        for (List<String> r : rows("SELECT " + HOST.formatted("host") + ", sum(flows), sum(packets), sum(bytes) AS b"
                + " FROM flows_1h FINAL ARRAY JOIN [src_addr, dst_addr] AS host GROUP BY host ORDER BY b DESC, host LIMIT " + top)) {
            talkers.row(r.get(0), num(r.get(1)), num(r.get(2)), num(r.get(3)));
        }
        talkers.print(out, "Top talkers over all links (flows_1h; a host counts in every flow it took part in)");

        Table services = new Table("protocol", "service port", "flows", "packets", "bytes");
        for (List<String> r : rows("SELECT l4_proto, service_port, sum(flows), sum(packets), sum(bytes) AS b FROM flows_1h FINAL"
                + " GROUP BY l4_proto, service_port ORDER BY b DESC, l4_proto, service_port LIMIT " + top)) {
            services.row(Protocols.name(Integer.parseInt(r.get(0))), r.get(1).equals("0") ? "(ephemeral)" : r.get(1),
                    num(r.get(2)), num(r.get(3)), num(r.get(4)));
        }
        services.print(out, "Top protocols and service ports (flows_1h)");

        Table apps = new Table("application", "flows", "packets", "bytes");
        for (List<String> r : rows("SELECT app, sum(flows), sum(packets), sum(bytes) AS b FROM flows_1h FINAL"
                + " GROUP BY app ORDER BY b DESC, app LIMIT " + top)) {
            apps.row(r.get(0).isEmpty() ? "(no DPI)" : r.get(0), num(r.get(1)), num(r.get(2)), num(r.get(3)));
        }
        apps.print(out, "Top applications (flows_1h; DPI verdicts from the payload samples, Unknown = nothing matched)");
        alerts();
        return stages(runs, kafkaFlowRecords, deadLetters);
    }

    /** Episodes of the behavioural detectors, CLOSED replacing OPEN (FINAL); times in UTC. */
    private void alerts() {
        Table alerts = new Table("detector", "link", "subject", "kind", "state", "attempts", "ports", "hosts",
                "first seen (UTC)", "last seen (UTC)");
        for (List<String> r : rows("SELECT detector, link_id, subject, kind, state, attempts, distinct_ports, distinct_hosts,"
                + " toDateTime(intDiv(first_seen_ms, 1000), 'UTC'), toDateTime(intDiv(last_seen_ms, 1000), 'UTC')"
                + " FROM alerts FINAL ORDER BY first_seen_ms, detector, link_id, subject LIMIT " + top)) {
            alerts.row(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), num(r.get(5)), num(r.get(6)), num(r.get(7)),
                    r.get(8), r.get(9));
        }
        long episodes = num(single("SELECT count() FROM alerts FINAL"));
        alerts.print(out, "Alerts (alerts: port scans, SYN floods, P2P hosts, fan-out, TRW scans), " + episodes + " episode(s)"
                + (episodes > top ? ", the first " + top : "") + (episodes == 0 ? ": none" : ""));
    }

    private int stages(List<AgentRunner.Result> runs, long kafkaFlowRecords, long deadLetters) {
        long frames = 0;
        long frameBytes = 0;
        long exported = 0;
        long sent = 0;
        long lost = 0;
        for (AgentRunner.Result run : runs) {
            frames += run.meter().counters().packets;
            frameBytes += run.meter().counters().bytes;
            exported += run.meter().counters().flowsExported;
            sent += run.sink().sent();
            lost += run.sink().dropped() + run.sink().failed();
        }
        List<String> raw = rows("SELECT count(), sum(packets_fwd + packets_rev), sum(bytes_fwd + bytes_rev) FROM flows FINAL").get(0);
        List<String> m1 = rows("SELECT sum(flows), sum(packets), sum(bytes) FROM flows_1m FINAL").get(0);
        List<String> h1 = rows("SELECT sum(flows), sum(packets), sum(bytes) FROM flows_1h FINAL").get(0);
        long statsRows = num(single("SELECT count() FROM agent_stats FINAL"));

        Table t = new Table("stage", "flows", "packets", "bytes", "note");
        t.row("agents: frames read", "", frames, frameBytes, runs.size() + " agents; frames include non-IP and malformed ones");
        t.row("agents: flow records exported", exported, "", "", sent + " records acknowledged by Kafka (flows, samples, stats), " + lost + " dropped or failed");
        t.row("Kafka: flows.v1", kafkaFlowRecords, "", "", deadLetters + " dead letters");
        t.row("ClickHouse: flows (FINAL)", num(raw.get(0)), num(raw.get(1)), num(raw.get(2)), "raw flow records");
        t.row("ClickHouse: flows_1m (FINAL)", num(m1.get(0)), num(m1.get(1)), num(m1.get(2)), "1-minute aggregates, summed");
        t.row("ClickHouse: flows_1h (FINAL)", num(h1.get(0)), num(h1.get(1)), num(h1.get(2)), "1-hour aggregates, summed");
        t.print(out, "Flows, packets and bytes through each stage (" + statsRows + " agent stats rows in agent_stats)");

        boolean ok = lost == 0 && deadLetters == 0 && exported == kafkaFlowRecords && kafkaFlowRecords == num(raw.get(0))
                && raw.equals(m1) && raw.equals(h1);
        out.println();
        out.println(ok ? "OK: every flow the agents exported is in ClickHouse once, and the 1-minute and 1-hour aggregates add up to it."
                : "MISMATCH: a stage lost or doubled something; compare the rows above.");
        return ok ? 0 : 1;
    }

    private List<List<String>> rows(String sql) {
        QueryResult result = db.select(sql);
        return result.rows();
    }

    private String single(String sql) {
        return db.select(sql).single();
    }

    private static long num(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }
}
