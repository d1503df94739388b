package io.tapflow.localstack;

import io.tapflow.schema.Topics;
import io.tapflow.servers.EmbeddedKafka;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** A real single-node KRaft broker on loopback, in the foreground, for trying agents and benchmarks without a Kafka install. */
@Command(name = "broker", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Starts a real Kafka (KRaft, single node) broker on 127.0.0.1 with TapFlow's topics and runs until",
            "interrupted (Ctrl-C / SIGTERM). Its data lives in a temp dir that is deleted when it stops.",
            "Example: ./tapflow broker --port 9092 &  ./tapflow agent --read trace.pcap --kafka 127.0.0.1:9092"})
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "PLAINTEXT port (default: a free one, printed at start).")
    int port;

    @Option(names = "--partitions", description = "Partitions of each TapFlow topic (default 3).")
    int partitions = 3;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BrokerCommand()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafka kafka = new EmbeddedKafka(port).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-shutdown"));
        for (String topic : List.of(Topics.FLOWS, Topics.PAYLOAD, Topics.AGENT_STATS, Topics.VERDICTS)) {
            kafka.createTopic(topic, partitions);
        }
        System.out.println("Kafka broker ready at " + kafka.bootstrap() + " (topics " + Topics.FLOWS + ", " + Topics.PAYLOAD + ", "
                + Topics.AGENT_STATS + ", " + Topics.VERDICTS + "); Ctrl-C stops it");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
