package io.tapflow.agent.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A veth pair for live-capture tests: the sending end stays in this namespace, the capturing end lives in a network
 * namespace of its own, where the agent runs ({@code ip netns exec}). Both ends have IPv6 disabled before they come up
 * and no addresses, so the kernel puts nothing of its own on the link; MTU 9000 so every captured frame fits.
 * {@link #close()} deletes the namespace, which deletes the pair. Tests are skipped (with the reason) only where the
 * kernel forbids namespaces or veth.
 */
public final class VethPair implements AutoCloseable {
    public static final int MTU = 9000;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final String namespace;
    public final String sender;
    public final String capture;

    private VethPair(String namespace, String sender, String capture) {
        this.namespace = namespace;
        this.sender = sender;
        this.capture = capture;
    }

    public static VethPair create() throws IOException, InterruptedException {
        String id = (ProcessHandle.current().pid() % 100_000) + "x" + COUNTER.incrementAndGet();
        VethPair pair = new VethPair("tapflow-test-" + id, "tfs" + id, "tfc" + id);
        Result add = run("ip", "netns", "add", pair.namespace);
        if (add.code != 0) {
            Assumptions.abort("the kernel forbids network namespaces here (ip netns add: " + add.output.strip() + ")");
        }
        try {
            Result veth = run("ip", "link", "add", pair.sender, "type", "veth", "peer", "name", pair.capture, "netns", pair.namespace);
            if (veth.code != 0) {
                Assumptions.abort("the kernel forbids veth pairs here (ip link add: " + veth.output.strip() + ")");
            }
            must("sysctl", "-qw", "net.ipv6.conf." + pair.sender + ".disable_ipv6=1");
            must("ip", "netns", "exec", pair.namespace, "sysctl", "-qw", "net.ipv6.conf." + pair.capture + ".disable_ipv6=1");
            must("ip", "link", "set", pair.sender, "mtu", Integer.toString(MTU), "up");
            must("ip", "netns", "exec", pair.namespace, "ip", "link", "set", pair.capture, "mtu", Integer.toString(MTU), "up");
            return pair;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            pair.close();
            throw e;
        }
    }

    /** The command, run inside the capture namespace. */
    public List<String> inNamespace(List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        all.addAll(command);
        return all;
    }

    @Override
    public void close() {
        try {
            run("ip", "netns", "del", namespace);
            run("ip", "link", "del", sender); // gone with the namespace already, unless the peer never moved
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cleaning up " + namespace + " failed", e);
        }
    }

    private record Result(int code, String output) {
    }

    private static void must(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.code + "): " + r.output);
        }
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}
