package io.tapflow.agent.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A veth pair to replay traffic through: frames sent on {@link #sender} arrive on {@link #capture}. The capturing end
 * optionally lives in a network namespace of its own (for an agent run with {@code ip netns exec}). Both ends have
 * IPv6 disabled before they come up and no addresses, so the kernel puts nothing of its own on the link, and MTU
 * {@value #MTU} so every captured frame fits. {@link #close()} deletes the pair (and the namespace). Needs root
 * (CAP_NET_ADMIN, and CAP_SYS_ADMIN for namespaces) and the {@code ip} command.
 */
public final class VethLink implements AutoCloseable {
    public static final int MTU = 9000;
    /** MTU + Ethernet header + one VLAN tag. */
    public static final int MAX_FRAME = MTU + 18;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The kernel or the user's privileges do not allow namespaces or veth pairs here. */
    public static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    /** Empty when the capturing end stays in this namespace. */
    public final String namespace;
    public final String sender;
    public final String capture;

    private VethLink(String namespace, String sender, String capture) {
        this.namespace = namespace;
        this.sender = sender;
        this.capture = capture;
    }

    /** @throws Unsupported when namespaces or veth pairs are forbidden here */
    public static VethLink create(boolean captureInNamespace) throws IOException, InterruptedException {
        String id = (ProcessHandle.current().pid() % 100_000) + "x" + COUNTER.incrementAndGet();
        VethLink link = new VethLink(captureInNamespace ? "tapflow-" + id : "", "tfs" + id, "tfc" + id);
        if (captureInNamespace) {
            Result add = run("ip", "netns", "add", link.namespace);
            if (add.code != 0) {
                throw new Unsupported("network namespaces are not allowed here (ip netns add: " + add.output.strip() + ")");
            }
        }
        try {
            List<String> veth = new ArrayList<>(List.of("ip", "link", "add", link.sender, "type", "veth", "peer", "name", link.capture));
            if (captureInNamespace) {
                veth.addAll(List.of("netns", link.namespace));
            }
            Result r = run(veth.toArray(String[]::new));
            if (r.code != 0) {
                throw new Unsupported("veth pairs are not allowed here (ip link add: " + r.output.strip() + ")");
            }
            must("sysctl", "-qw", "net.ipv6.conf." + link.sender + ".disable_ipv6=1");
            must(link.onCaptureSide("sysctl", "-qw", "net.ipv6.conf." + link.capture + ".disable_ipv6=1"));
            must("ip", "link", "set", link.sender, "mtu", Integer.toString(MTU), "up");
            must(link.onCaptureSide("ip", "link", "set", link.capture, "mtu", Integer.toString(MTU), "up"));
            return link;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            link.close();
            throw e;
        }
    }

    /** The command, run on the capturing end's side (inside its namespace, if it has one). */
    public List<String> inCaptureNamespace(List<String> command) {
        List<String> all = new ArrayList<>();
        if (!namespace.isEmpty()) {
            all.addAll(List.of("ip", "netns", "exec", namespace));
        }
        all.addAll(command);
        return all;
    }

    private String[] onCaptureSide(String... command) {
        return inCaptureNamespace(List.of(command)).toArray(String[]::new);
    }

    @Override
    public void close() {
        try {
            if (!namespace.isEmpty()) {
                run("ip", "netns", "del", namespace);
            }
            run("ip", "link", "del", sender); // already gone with the namespace, unless the peer never moved
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cleaning up veth " + sender + " failed", e);
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
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new Unsupported("cannot run '" + command[0] + "' (iproute2/procps needed): " + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}
