package io.tapflow.localstack.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time of a process, read from /proc/PID/stat (user + system, every thread), for figures that must hold on a
 * shared machine: CPU time spent on a piece of work does not grow when other work takes turns on the cores, as wall
 * time does.
 */
final class CpuClock {
    /** USER_HZ: the unit of /proc/PID/stat's times on every Linux architecture that matters here. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private final Path stat;

    private CpuClock(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    static CpuClock ofProcess(long pid) {
        CpuClock clock = new CpuClock(pid);
        clock.nanos(); // fails here, not mid-measurement, where /proc is missing
        return clock;
    }

    /** User + system CPU time of the process so far, in ns (10 ms resolution). */
    long nanos() {
        try {
            String line = Files.readString(stat);
            // Fields after the command name, which is in parentheses and may itself hold spaces.
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (utime + stime) * NANOS_PER_TICK;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat + " (CPU time needs Linux /proc)", e);
        }
    }

    /** CPU ns per second of wall time the process uses while nothing is asked of it. */
    double idleRate(Duration over) throws InterruptedException {
        long before = nanos();
        long wall0 = System.nanoTime();
        Thread.sleep(over.toMillis());
        return (nanos() - before) / ((System.nanoTime() - wall0) / 1e9);
    }

    /** This JVM's CPU time: every thread, the JIT and GC included. */
    static long thisProcessNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
