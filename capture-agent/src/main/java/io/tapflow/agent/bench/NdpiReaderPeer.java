package io.tapflow.agent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs nDPI's {@code ndpiReader} (Debian package libndpi-bin) over the same captures, so its throughput is measured
 * on the same machine, files and CPU as ours. Its own figure is used: for every pass over a file it prints
 * {@code nDPI throughput: X K pps} computed from the microseconds its packet loop took (read + decode + flow lookup
 * + DPI, setup excluded), and the packet count; the pass time is their quotient. {@code -l N} repeats the pass.
 */
public final class NdpiReaderPeer {
    private static final Pattern THROUGHPUT = Pattern.compile("nDPI throughput:\\s+([0-9.]+)\\s*([KMG]?)\\s*pps");
    /** Its bytes count 24 per packet on top of the frame (Ethernet CRC, preamble, inter-frame gap). */
    private static final Pattern ETHERNET_BYTES = Pattern.compile("Ethernet bytes:\\s+(\\d+)");
    private static final int WIRE_OVERHEAD = 24;
    private static final Pattern IP_PACKETS = Pattern.compile("IP packets:\\s+(\\d+)");
    private static final Pattern FLOWS = Pattern.compile("Unique flows:\\s+(\\d+)");

    /**
     * Per pass over the files it could read: packets, flows, and the seconds nDPI's packet loop took (median pass per
     * file, summed). {@code unreadable}: files ndpiReader printed no statistics for (it stops on some malformed
     * captures); compare both tools on the others.
     */
    public record Result(long packets, long bytes, long flows, double seconds, String version, List<Path> unreadable) {
        public String summary() {
            String line = String.format(Locale.ROOT,
                    "ndpiReader (%s): %d packets, %d flows per pass; %.0f packets/s, %.0f flows/s, %.2f Gb/s of frames "
                            + "per core (its own packet-loop time: read+decode+flow+DPI)",
                    version, packets, flows, packets / seconds, flows / seconds, bytes * 8 / seconds / 1e9);
            return unreadable.isEmpty() ? line : line + "; no statistics for " + unreadable + ", left out of both figures";
        }
    }

    private NdpiReaderPeer() {
    }

    /** Runs {@code ndpiReader -i FILE -l passes} on each file; throws with a clear message when it is missing. */
    public static Result run(List<Path> captures, int passes) {
        long packets = 0;
        long bytes = 0;
        long flows = 0;
        double seconds = 0;
        String version = version();
        List<Path> unreadable = new ArrayList<>();
        for (Path capture : captures) {
            String out = exec(List.of("ndpiReader", "-i", capture.toString(), "-l", Integer.toString(passes)));
            if (!IP_PACKETS.matcher(out).find()) {
                unreadable.add(capture);
                continue;
            }
            Pass p = parse(capture, out, passes);
            packets += p.packets;
            bytes += p.bytes;
            flows += p.flows;
            seconds += p.seconds;
        }
        return new Result(packets, bytes, flows, seconds, version, List.copyOf(unreadable));
    }

    /** @param bytes frame bytes (ndpiReader's Ethernet bytes less its 24 per packet of wire overhead) */
    record Pass(long packets, long bytes, long flows, double seconds) {
    }

    /** One file's figures per pass: the packet and flow counts of a pass, the median pass time. */
    static Pass parse(Path capture, String out, int passes) {
        Matcher t = THROUGHPUT.matcher(out);
        Matcher p = IP_PACKETS.matcher(out);
        Matcher f = FLOWS.matcher(out);
        Matcher e = ETHERNET_BYTES.matcher(out);
        double[] secs = new double[passes];
        long packets = -1;
        long bytes = 0;
        long flows = -1;
        int n = 0;
        while (n < passes && p.find() && f.find()) {
            packets = Long.parseLong(p.group(1));
            flows = Long.parseLong(f.group(1));
            bytes = e.find() ? Long.parseLong(e.group(1)) - WIRE_OVERHEAD * packets : 0;
            if (packets == 0) {
                secs[n++] = 0; // nothing to time: ndpiReader prints no throughput line for an empty pass
                continue;
            }
            if (!t.find()) {
                throw new IllegalStateException(capture + ": ndpiReader printed no throughput line for a pass");
            }
            double pps = Double.parseDouble(t.group(1)) * switch (t.group(2)) {
                case "K" -> 1e3;
                case "M" -> 1e6;
                case "G" -> 1e9;
                default -> 1;
            };
            secs[n++] = packets / pps;
        }
        if (n != passes) {
            throw new IllegalStateException(capture + ": expected " + passes + " passes in ndpiReader's output, found " + n);
        }
        Arrays.sort(secs);
        return new Pass(packets, bytes, flows, secs[passes / 2]);
    }

    private static String version() {
        String out = exec(List.of("ndpiReader", "-h"));
        Matcher m = Pattern.compile("nDPI (\\d+\\.\\d+[.\\d]*)").matcher(out);
        return m.find() ? "nDPI " + m.group(1) : "nDPI";
    }

    private static String exec(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ndpiReader (on Debian: apt-get install libndpi-bin): " + e.getMessage(), e);
        }
        try (InputStream in = process.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("reading ndpiReader's output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ndpiReader ran", e);
        }
    }
}
