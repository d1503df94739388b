package io.tapflow.localstack;

import io.tapflow.agent.AgentRunner;
import io.tapflow.agent.config.AgentConfig;
import io.tapflow.agent.export.AddressFormat;
import io.tapflow.agent.export.AgentIdentity;
import io.tapflow.agent.export.Protocols;
import io.tapflow.schema.AgentStats;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.PayloadSample;
import io.tapflow.schema.Topics;
import io.tapflow.servers.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The README's main command: a real KRaft broker on loopback, one capture agent per bundled capture (each its own
 * link) publishing to it, then everything read back from Kafka and summarised. (The Flink and ClickHouse stages
 * join this command with the pipeline issue.)
 */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Runs the local stack on this machine: an embedded Kafka (KRaft) broker, one agent per bundled capture",
            "(testdata/pcap, each as its own link), then reads every topic back and prints what was published.",
            "Needs nothing installed beyond a JDK 25; Kafka comes from Maven artifacts."})
public final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    @Option(names = "--captures", paramLabel = "DIR", description = "Directory of pcap/pcapng files (default: testdata/pcap of this checkout).")
    Path captures;

    @Option(names = "--agents-in-parallel", paramLabel = "N", description = "Agents running at once (default 2).")
    int parallel = 2;

    @Option(names = "--top", paramLabel = "N", description = "Rows in the top-N tables (default 10).")
    int top = 10;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = captures != null ? captures : Path.of(System.getenv().getOrDefault("TAPFLOW_HOME", ".")).resolve("testdata/pcap");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            System.err.println("tapflow demo: cannot list captures in " + dir.toAbsolutePath() + ": " + e.getMessage());
            return 2;
        }
        if (files.isEmpty()) {
            System.err.println("tapflow demo: no captures in " + dir.toAbsolutePath());
            return 2;
        }
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            String bootstrap = kafka.bootstrap();
            out.printf("Kafka (KRaft, in-process) at %s%n", bootstrap);
            for (String topic : List.of(Topics.FLOWS, Topics.PAYLOAD, Topics.AGENT_STATS)) {
                kafka.createTopic(topic, 3);
            }
            List<AgentRunner.Result> runs = runAgents(files, bootstrap);
            return summarise(runs, bootstrap);
        }
    }

    private List<AgentRunner.Result> runAgents(List<Path> files, String bootstrap) throws Exception {
        out.printf("Running %d agents (one per capture in %s), %d at a time...%n", files.size(), files.get(0).getParent(), parallel);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<AgentRunner.Result>> futures = new ArrayList<>();
            for (Path file : files) {
                futures.add(pool.submit(() -> {
                    String link = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                    AgentConfig config = new AgentConfig();
                    config.agentId = "demo-" + link;
                    config.linkId = link;
                    config.output = AgentConfig.Output.KAFKA;
                    config.kafka.bootstrap = bootstrap;
                    config.flow.capacity = 65_536;
                    return AgentRunner.run(config.conclude(), new AgentIdentity(config.agentId, link, System.currentTimeMillis()),
                            List.of(file), () -> false);
                }));
            }
            List<AgentRunner.Result> results = new ArrayList<>();
            for (Future<AgentRunner.Result> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private int summarise(List<AgentRunner.Result> runs, String bootstrap) {
        Duration timeout = Duration.ofSeconds(60);
        var flows = TopicReader.readAll(bootstrap, Topics.FLOWS, FlowRecord.class, timeout);
        var samples = TopicReader.readAll(bootstrap, Topics.PAYLOAD, PayloadSample.class, timeout);
        var stats = TopicReader.readAll(bootstrap, Topics.AGENT_STATS, AgentStats.class, timeout);

        Map<String, long[]> perLink = new TreeMap<>(); // records, packets, bytes, samples, stats
        Map<String, long[]> perService = new HashMap<>();
        Map<String, long[]> perTalker = new HashMap<>();
        for (FlowRecord r : flows.records()) {
            long packets = r.getPacketsFwd() + r.getPacketsRev();
            long bytes = r.getBytesFwd() + r.getBytesRev();
            long[] l = perLink.computeIfAbsent(r.getLinkId(), k -> new long[5]);
            l[0]++;
            l[1] += packets;
            l[2] += bytes;
            String service = Protocols.name(r.getL4Proto()) + (r.getDstPort() > 0 ? "/" + r.getDstPort() : "");
            add(perService, service, packets, bytes);
            add(perTalker, address(r.getSrcAddr().bytes()), packets, bytes);
        }
        samples.records().forEach(s -> perLink.computeIfAbsent(s.getLinkId(), k -> new long[5])[3]++);
        stats.records().forEach(s -> perLink.computeIfAbsent(s.getLinkId(), k -> new long[5])[4]++);

        Table links = new Table("link", "frames read", "flow records", "packets", "bytes", "payload samples", "stats records", "agent: sent/dropped");
        long agentSent = 0;
        long agentDropped = 0;
        long agentFailed = 0;
        for (AgentRunner.Result run : runs) {
            long[] l = perLink.getOrDefault(run.identity().linkId(), new long[5]);
            links.row(run.identity().linkId(), run.meter().counters().packets, l[0], l[1], l[2], l[3], l[4],
                    run.sink().sent() + "/" + run.sink().dropped());
            agentSent += run.sink().sent();
            agentDropped += run.sink().dropped();
            agentFailed += run.sink().failed();
        }
        links.print(out, "Published per link (read back from Kafka " + Topics.FLOWS + ", " + Topics.PAYLOAD + ", " + Topics.AGENT_STATS + ")");
        top(perService, "service (proto/responder port)").print(out, "Top services by bytes");
        top(perTalker, "initiator address").print(out, "Top talkers (flow initiators) by bytes");

        long consumed = flows.records().size() + samples.records().size() + stats.records().size();
        long badRecords = flows.errors().size() + samples.errors().size() + stats.errors().size();
        out.println();
        out.printf("Agents: %d records acknowledged by Kafka, %d failed, %d dropped.%n", agentSent, agentFailed, agentDropped);
        out.printf("Kafka:  %d records read back and decoded (%d flow records, %d payload samples, %d stats), %d undecodable.%n",
                consumed, flows.records().size(), samples.records().size(), stats.records().size(), badRecords);
        boolean ok = consumed == agentSent && badRecords == 0 && agentDropped == 0 && agentFailed == 0;
        out.println(ok ? "OK: everything the agents published was read back." : "MISMATCH: see the counts above.");
        return ok ? 0 : 1;
    }

    private static void add(Map<String, long[]> map, String key, long packets, long bytes) {
        long[] v = map.computeIfAbsent(key, k -> new long[3]);
        v[0]++;
        v[1] += packets;
        v[2] += bytes;
    }

    private Table top(Map<String, long[]> map, String what) {
        Table t = new Table(what, "flows", "packets", "bytes");
        map.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[2]).reversed())
                .limit(top).forEach(e -> t.row(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]));
        return t;
    }

    private static String address(byte[] a) {
        ByteBuffer b = ByteBuffer.wrap(a);
        return AddressFormat.toString(b.getLong(0), b.getLong(8));
    }
}
