package io.tapflow.classifier.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where Hyperscan's native library cannot load, opening the engine says why and hands out the Aho–Corasick engine.
 * A child JVM that asks JavaCPP for another platform's natives (linux-arm64, not bundled) is such a place.
 */
class HyperscanFallbackTest {
    /** Runs in the child JVM. */
    public static void main(String[] args) {
        List<String> warnings = new ArrayList<>();
        try (PatternMatcher m = MatcherEngine.HYPERSCAN.open(SignatureSet.defaults(), warnings::add)) {
            byte[] handshake = "\u0013BitTorrent protocol".getBytes(StandardCharsets.ISO_8859_1);
            MatchedIds ids = new MatchedIds(8);
            m.newScanner().scan(handshake, 0, handshake.length, 6, ids);
            System.out.println("engine=" + m.engine().configName() + " ids=" + java.util.Arrays.toString(ids.toArray()));
        }
        warnings.forEach(w -> System.out.println("warning=" + w));
    }

    @Test
    void unloadableNativesFallBackToAhoCorasickWithAReason() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.bytedeco.javacpp.platform=linux-arm64",
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("java.io.tmpdir") + "/javacpp-fallback",
                HyperscanFallbackTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("engine=aho-corasick ids=[100]")
                .contains("warning=pattern engine hyperscan unavailable (")
                .contains("linux-arm64")
                .contains("falling back to aho-corasick");
    }
}
