package io.tapflow.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The capture files a benchmark runs over: the ones named (directories expanded one level), or the bundled ones. */
public final class CaptureLists {
    private CaptureLists() {
    }

    /** {@code paths} with each directory replaced by its .pcap/.pcapng/.cap files, sorted. */
    public static List<Path> expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                files.add(p);
                continue;
            }
            try (var list = Files.list(p)) {
                list.filter(f -> f.getFileName().toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    /** The captures bundled with the project ({@code $TAPFLOW_HOME/testdata/pcap}, or ./testdata/pcap). */
    public static List<Path> bundled() {
        String home = System.getenv("TAPFLOW_HOME");
        return bundled(Path.of(home == null ? "." : home));
    }

    /** The captures under {@code home}/testdata/pcap. */
    static List<Path> bundled(Path home) {
        Path dir = home.resolve("testdata").resolve("pcap");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no bundled captures at " + dir + ": name the capture files");
        }
        return expand(List.of(dir));
    }
}
