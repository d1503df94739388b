package io.tapflow.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The captures bundled in the repository's testdata/ (see testdata/README.md for their origin). */
public final class TestData {
    private TestData() {
    }

    public static Path root() {
        Path root = Path.of(System.getProperty("tapflow.testdata", "../testdata")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("pcap"))) {
            throw new IllegalStateException("test captures not found under " + root);
        }
        return root;
    }

    /**
     * Creates {@code java.io.tmpdir}: surefire points it at target/tmp, which the build does not create, and JUnit's
     * {@code @TempDir} fails without it. Call from a static initializer of a test class that uses {@code @TempDir}.
     */

    public static Path pcap(String name) {
        return root().resolve("pcap").resolve(name);
    }

    public static Path extra(String name) {
        return root().resolve("pcap-extra").resolve(name);
    }
}
