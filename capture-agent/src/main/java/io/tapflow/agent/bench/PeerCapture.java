package io.tapflow.agent.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A peer flow meter (Debian's pmacctd or softflowd) capturing an interface as a child process, for the loss benchmark:
 * started before a rate step, asked after it how many packets it metered.
 */
sealed interface PeerCapture permits PeerCapture.Pmacctd, PeerCapture.Softflowd {
    /** How long a peer needs after start before it captures. */
    long READY_MS = 1_500;

    static PeerCapture start(String tool, String iface, Path dir) throws IOException {
        Files.createDirectories(dir);
        return switch (tool) {
            case "pmacctd" -> new Pmacctd(iface, dir);
            case "softflowd" -> new Softflowd(iface, dir);
            default -> throw new IllegalArgumentException("unknown peer " + tool);
        };
    }

    /** Packets the peer metered (TCP and UDP only: the flush frames the benchmark sends after a step are ICMP). */
    long stopAndCount() throws IOException, InterruptedException;

    /** pmacctd holds the last records of a step in its core's buffer until more packets come; softflowd does not. */
    default boolean needsFlushFrames() {
        return this instanceof Pmacctd;
    }

    /**
     * pmacctd with its print plugin, aggregated by protocol, printed every second and appended. Its core hands records
     * to the plugin in buffers: the benchmark's ICMP flush frames push the last buffer of a step through.
     */
    final class Pmacctd implements PeerCapture {
        private final Process process;
        private final Path csv;

        Pmacctd(String iface, Path dir) throws IOException {
            csv = dir.resolve("pmacct.csv");
            Files.deleteIfExists(csv);
            Path conf = dir.resolve("pmacctd.conf");
            Files.writeString(conf, String.join("\n", "daemonize: false", "pcap_interface: " + iface, "promisc: true",
                    "aggregate: proto", "plugins: print", "print_output: csv", "print_output_file: " + csv,
                    "print_output_file_append: true", "print_refresh_time: 1", "plugin_pipe_size: 67108864",
                    "plugin_buffer_size: 65536", ""));
            process = new ProcessBuilder("pmacctd", "-f", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("pmacctd.log").toFile()).start();
        }

        @Override
        public long stopAndCount() throws IOException, InterruptedException {
            Thread.sleep(2_500); // two print refreshes
            process.destroy(); // SIGTERM: pmacctd purges its cache and exits
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            if (!Files.exists(csv)) {
                return 0;
            }
            long packets = 0;
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                if (f.length >= 2 && (f[0].equals("tcp") || f[0].equals("udp"))) {
                    packets += Long.parseLong(f[1]);
                }
            }
            return packets;
        }
    }

    /**
     * softflowd in the foreground with a control socket. Its "Packets processed" leaves out IPv6 (softflowd 1.1.0 does
     * not meter it), so what it captured is libpcap's count: packets received minus packets dropped.
     */
    final class Softflowd implements PeerCapture {
        private static final Pattern RECEIVED = Pattern.compile("Packets received by libpcap: (\\d+)");
        private static final Pattern DROPPED = Pattern.compile("Packets dropped by libpcap: (\\d+)");
        private final Process process;
        private final Path control;

        Softflowd(String iface, Path dir) throws IOException {
            control = dir.resolve("softflowd.ctl");
            Files.deleteIfExists(control);
            process = new ProcessBuilder("softflowd", "-i", iface, "-d", "-c", control.toString(), "-m", "1000000")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("softflowd.log").toFile()).start();
        }

        @Override
        public long stopAndCount() throws IOException, InterruptedException {
            long last = -1;
            for (int i = 0; i < 20; i++) { // until the count stops moving: libpcap hands blocks over late
                Thread.sleep(250);
                long now = processed();
                if (now == last) {
                    break;
                }
                last = now;
            }
            new ProcessBuilder("softflowctl", "-c", control.toString(), "shutdown").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return Math.max(0, last);
        }

        private long processed() throws IOException, InterruptedException {
            Process ctl = new ProcessBuilder("softflowctl", "-c", control.toString(), "statistics").redirectErrorStream(true).start();
            String out = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ctl.waitFor(5, TimeUnit.SECONDS);
            Matcher received = RECEIVED.matcher(out);
            Matcher dropped = DROPPED.matcher(out);
            return received.find() && dropped.find() ? Long.parseLong(received.group(1)) - Long.parseLong(dropped.group(1)) : -1;
        }
    }

    /** The frames that push a peer's last buffer through: ICMP echo requests, counted by nobody. */
    static List<byte[]> flushFrames() {
        byte[] frame = new byte[60];
        byte[] head = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 10, 9, 9, 1, 10, 9, 9, 2, 8, 0};
        System.arraycopy(head, 0, frame, 0, head.length);
        return List.of(frame);
    }
}
