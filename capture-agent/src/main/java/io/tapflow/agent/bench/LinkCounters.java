package io.tapflow.agent.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An interface's transmit counters from sysfs. On a veth pair the sender's {@code tx_packets} counts the frames the
 * link delivered to its peer, and {@code tx_dropped} those the kernel dropped before any capture could see them
 * (a full receive backlog): the loss benchmark offers the captures what the link delivered, not what was queued.
 */
public record LinkCounters(long txPackets, long txDropped) {
    public static LinkCounters read(String interfaceName) {
        Path dir = Path.of("/sys/class/net", interfaceName, "statistics");
        return new LinkCounters(counter(dir.resolve("tx_packets")), counter(dir.resolve("tx_dropped")));
    }

    public LinkCounters since(LinkCounters before) {
        return new LinkCounters(txPackets - before.txPackets, txDropped - before.txDropped);
    }

    private static long counter(Path file) {
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }
}
