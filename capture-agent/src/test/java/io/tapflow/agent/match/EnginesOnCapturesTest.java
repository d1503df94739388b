package io.tapflow.agent.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.bench.CapturePayloads;
import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.match.MatcherEngine;
import io.tapflow.classifier.match.PatternMatcher;
import io.tapflow.classifier.match.PatternScanner;
import io.tapflow.classifier.match.Signature;
import io.tapflow.classifier.match.SignatureSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both engines report exactly the same (signature id, position) pairs as a naive matcher on every payload of every
 * bundled capture: with the bundled signatures, and with all of them allowed anywhere (so every payload byte goes
 * through the Aho–Corasick DFA and Hyperscan's literal matchers, not only the anchored tries).
 */
class EnginesOnCapturesTest {
    private static CapturePayloads payloads;

    @BeforeAll
    static void readCaptures() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : new String[] {"pcap", "pcap-extra"}) {
            try (var list = Files.list(TestData.root().resolve(dir))) {
                list.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(44);
        payloads = CapturePayloads.read(files);
        assertThat(payloads.count()).isGreaterThan(10_000);
    }

    @Test
    void bundledSignatures() {
        long matches = compare(SignatureSet.defaults());
        assertThat(matches).as("the bundled captures hit the bundled signatures").isGreaterThan(1000);
    }

    @Test
    void everySignatureAnywhere() {
        SignatureSet bundled = SignatureSet.defaults();
        SignatureSet anywhere = SignatureSet.of("anywhere", bundled.signatures().stream()
                .map(s -> new Signature(s.id(), s.protocol(), s.l4proto(), Signature.ANYWHERE, s.nocase(), s.bytes())).toList());
        assertThat(compare(anywhere)).isGreaterThan(compare(bundled));
    }

    private static long compare(SignatureSet set) {
        long total = 0;
        try (PatternMatcher ac = MatcherEngine.AHO_CORASICK.compile(set); PatternMatcher hs = MatcherEngine.HYPERSCAN.compile(set);
             PatternScanner a = ac.newScanner(); PatternScanner h = hs.newScanner()) {
            byte[] data = payloads.data();
            for (int i = 0; i < payloads.count(); i++) {
                int off = payloads.offsets()[i];
                int len = payloads.lengths()[i];
                int l4 = payloads.l4protos()[i];
                Set<Long> expected = naive(set, data, off, len, l4);
                assertThat(scan(a, data, off, len, l4)).as("aho-corasick, payload %d", i).isEqualTo(expected);
                assertThat(scan(h, data, off, len, l4)).as("hyperscan, payload %d", i).isEqualTo(expected);
                total += expected.size();
            }
        }
        return total;
    }

    private static Set<Long> scan(PatternScanner s, byte[] data, int off, int len, int l4) {
        Set<Long> out = new TreeSet<>();
        s.scan(data, off, len, l4, (id, pos) -> assertThat(out.add((long) id << 32 | pos)).as("reported once").isTrue());
        return out;
    }

    /** Every signature tried at every allowed position, byte by byte. */
    private static Set<Long> naive(SignatureSet set, byte[] data, int off, int len, int l4) {
        Set<Long> out = new TreeSet<>();
        for (Signature s : set.signatures()) {
            if (!s.appliesTo(l4)) {
                continue;
            }
            byte[] p = s.bytes();
            for (int pos = s.anchored() ? s.offset() : 0; pos + p.length <= len; pos++) {
                boolean match = true;
                for (int k = 0; k < p.length && match; k++) {
                    int a = data[off + pos + k] & 0xFF;
                    int b = p[k] & 0xFF;
                    match = a == b || (s.nocase() && fold(a) == fold(b));
                }
                if (match) {
                    out.add((long) s.id() << 32 | pos);
                }
                if (s.anchored()) {
                    break;
                }
            }
        }
        return out;
    }

    private static int fold(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
