package io.tapflow.classifier.match;

import static io.tapflow.classifier.match.ReferenceMatcher.pair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both engines against each other and against {@link ReferenceMatcher}: exact (id, position) sets. */
class PatternEnginesTest {
    private static final SignatureSet SMALL = parse("""
            1  A  tcp  offset=0  GET\\s
            2  B  tcp  anywhere  he
            3  C  tcp  anywhere  she
            4  D  tcp  anywhere  hers
            5  E  any  anywhere  nocase  ABC
            6  F  udp  offset=4  \\x21\\x12\\xa4\\x42
            7  G  any  anywhere  aa
            8  H  tcp  offset=2  nocase  xY
            9  I  udp  anywhere  \\x00\\x00
            10 J  tcp  anywhere  Abc
            """);
    private static PatternMatcher hyperscan;

    private static SignatureSet parse(String text) {
        return SignatureSet.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "engines-test");
    }

    @BeforeAll
    static void loadHyperscan() {
        assertThat(HyperscanSupport.unavailableReason()).as("Hyperscan loads on this x86_64 Linux").isNull();
        hyperscan = MatcherEngine.HYPERSCAN.compile(SMALL);
    }

    @AfterAll
    static void close() {
        hyperscan.close();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Set<Long> both(SignatureSet set, PatternMatcher hs, byte[] data, int off, int len, int l4) {
        Set<Long> ac = ReferenceMatcher.scan(new AhoCorasickMatcher(set).newScanner(), data, off, len, l4);
        try (PatternScanner s = hs.newScanner()) {
            assertThat(ReferenceMatcher.scan(s, data, off, len, l4)).as("hyperscan").isEqualTo(ac);
        }
        assertThat(ac).as("reference").isEqualTo(ReferenceMatcher.matches(set, data, off, len, l4));
        return ac;
    }

    @Test
    void overlappingPatternsReportEveryOccurrence() {
        // "ushers": she at 1, he at 2, hers at 2; "aaa": aa at 0 and 1.
        assertThat(both(SMALL, hyperscan, ascii("ushers aaa"), 0, 10, 6))
                .containsExactlyInAnyOrder(pair(3, 1), pair(2, 2), pair(4, 2), pair(7, 7), pair(7, 8));
    }

    @Test
    void offsetsAnchorTheStartRelativeToTheScannedRange() {
        byte[] d = ascii("xxGET GET ");
        assertThat(both(SMALL, hyperscan, d, 2, 8, 6)).containsExactly(pair(1, 0));
        assertThat(both(SMALL, hyperscan, d, 0, 10, 6)).isEmpty();
        byte[] stun = {0, 1, 0, 0, 0x21, 0x12, (byte) 0xa4, 0x42, 0x21, 0x12, (byte) 0xa4, 0x42};
        assertThat(both(SMALL, hyperscan, stun, 0, stun.length, 17)).containsExactly(pair(6, 4), pair(9, 2));
        assertThat(both(SMALL, hyperscan, stun, 4, 8, 17)).as("the second cookie is at 4 of this range").containsExactly(pair(6, 4));
        assertThat(both(SMALL, hyperscan, stun, 2, 10, 17)).as("the first one is at 2 here").containsExactly(pair(9, 0));
        assertThat(both(SMALL, hyperscan, stun, 0, 7, 17)).as("cut short").containsExactly(pair(9, 2));
    }

    @Test
    void nocaseFoldsAsciiLettersOnlyAndCaseSensitiveStaysExact() {
        assertThat(both(SMALL, hyperscan, ascii("aBc Abc abc"), 0, 11, 6))
                .containsExactlyInAnyOrder(pair(5, 0), pair(5, 4), pair(5, 8), pair(10, 4));
        assertThat(both(SMALL, hyperscan, ascii("..XY..xy"), 0, 8, 6)).containsExactly(pair(8, 2));
        assertThat(both(SMALL, hyperscan, ascii("..XY..xy"), 4, 4, 6)).as("xy at 2 of the range").containsExactly(pair(8, 2));
        assertThat(both(SMALL, hyperscan, ascii("..XY..xy"), 1, 7, 6)).isEmpty();
        assertThat(both(SMALL, hyperscan, ascii("zzXy"), 0, 4, 6)).containsExactly(pair(8, 2));
        byte[] notLetters = {(byte) ('A' + 0x80), 'B', 'C', (byte) 0xC1, (byte) 0xE1};
        assertThat(both(SMALL, hyperscan, notLetters, 0, notLetters.length, 6)).isEmpty();
    }

    @Test
    void transportSelectsTheSignatures() {
        byte[] d = ascii("GET she abc");
        assertThat(both(SMALL, hyperscan, d, 0, d.length, 17)).containsExactly(pair(5, 8));
        assertThat(both(SMALL, hyperscan, d, 0, d.length, 1)).containsExactly(pair(5, 8));
        assertThat(both(SMALL, hyperscan, d, 0, d.length, 6)).contains(pair(1, 0), pair(3, 4), pair(2, 5));
        assertThat(both(SMALL, hyperscan, d, 0, 0, 6)).isEmpty();
    }

    @Test
    void randomInputsAgreeWithTheReference() {
        Random r = new Random(42);
        byte[] alphabet = ascii("aAbBcChHeErRsSgGtTxXyY \u0000\u0021\u0012\u00a4\u0042");
        List<Signature> random = new ArrayList<>();
        for (int id = 1; id <= 60; id++) {
            byte[] p = new byte[1 + r.nextInt(5)];
            for (int i = 0; i < p.length; i++) {
                p[i] = alphabet[r.nextInt(alphabet.length)];
            }
            int l4 = new int[] {0, 6, 17}[r.nextInt(3)];
            int offset = r.nextInt(3) == 0 ? r.nextInt(8) : Signature.ANYWHERE;
            random.add(new Signature(id, "P" + id, l4, offset, r.nextBoolean(), p));
        }
        SignatureSet set = SignatureSet.of("random", random);
        try (PatternMatcher hs = MatcherEngine.HYPERSCAN.compile(set)) {
            AhoCorasickMatcher ac = new AhoCorasickMatcher(set);
            PatternScanner acs = ac.newScanner();
            try (PatternScanner hss = hs.newScanner()) {
                long matches = 0;
                for (int round = 0; round < 3000; round++) {
                    byte[] data = new byte[r.nextInt(300)];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : alphabet[r.nextInt(alphabet.length)];
                    }
                    int off = data.length == 0 ? 0 : r.nextInt(Math.min(data.length, 10));
                    int len = data.length - off - (data.length - off == 0 ? 0 : r.nextInt(Math.min(data.length - off, 10)));
                    int l4 = new int[] {6, 17, 1}[r.nextInt(3)];
                    Set<Long> expected = ReferenceMatcher.matches(set, data, off, len, l4);
                    assertThat(ReferenceMatcher.scan(acs, data, off, len, l4)).as("aho-corasick, round %d", round).isEqualTo(expected);
                    assertThat(ReferenceMatcher.scan(hss, data, off, len, l4)).as("hyperscan, round %d", round).isEqualTo(expected);
                    matches += expected.size();
                }
                assertThat(matches).as("the random sets match often enough to test something").isGreaterThan(10_000);
            }
        }
    }

    @Test
    void scanningAllocatesNothing() {
        SignatureSet set = SignatureSet.defaults();
        byte[] data = ascii("GET /announce?info_hash=abc HTTP/1.1\r\nHost: x\r\n\r\n".repeat(5));
        MatchedIds ids = MatchedIds.forSet(set);
        try (PatternMatcher hs = MatcherEngine.HYPERSCAN.compile(set)) {
            for (PatternScanner s : new PatternScanner[] {new AhoCorasickMatcher(set).newScanner(), hs.newScanner()}) {
                for (int i = 0; i < 20_000; i++) {
                    ids.clear();
                    s.scan(data, 0, data.length, 6, ids);
                }
                var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
                for (int i = 0; i < 100_000; i++) {
                    ids.clear();
                    s.scan(data, 0, data.length, 6, ids);
                }
                long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
                assertThat(ids.toArray()).as("GET and the tracker announce; HTTP/1.1 is not at 0").containsExactlyInAnyOrder(1, 103);
                assertThat(allocated).as("bytes allocated by 100k scans").isLessThan(10_000);
            }
        }
    }

    @Test
    void hyperscanScansNativeMemoryInPlaceWithTheSameMatches() {
        byte[] data = ascii("..GET she hers aaa ABC\u0000\u0000 GET ");
        try (PatternScanner s = hyperscan.newScanner(); BytePointer memory = new BytePointer(data.length)) {
            memory.put(data, 0, data.length);
            assertThat(s.scansNativeMemory()).isTrue();
            assertThat(new AhoCorasickMatcher(SMALL).newScanner().scansNativeMemory()).isFalse();
            for (int l4 : new int[] {6, 17, 1}) {
                for (int off = 0; off < 4; off++) {
                    Set<Long> found = new TreeSet<>();
                    s.scanNative(memory.address() + off, data.length - off, l4, (id, pos) -> found.add(pair(id, pos)));
                    assertThat(found).as("l4 %d, offset %d", l4, off).isEqualTo(ReferenceMatcher.matches(SMALL, data, off, data.length - off, l4));
                }
            }
        }
    }

    @Test
    void closedMatcherRefusesScanners() {
        PatternMatcher hs = MatcherEngine.HYPERSCAN.compile(SMALL);
        PatternScanner s = hs.newScanner();
        hs.close();
        assertThatThrownBy(() -> s.scan(new byte[4], 0, 4, 6, (id, pos) -> { })).hasMessageContaining("closed");
        assertThatThrownBy(hs::newScanner).hasMessageContaining("closed");
    }

    @Test
    void engineNamesAndFallback() {
        assertThat(MatcherEngine.parse("aho-corasick")).isEqualTo(MatcherEngine.AHO_CORASICK);
        assertThat(MatcherEngine.parse("Hyperscan")).isEqualTo(MatcherEngine.HYPERSCAN);
        assertThat(MatcherEngine.NONE.open(SMALL, m -> { })).isNull();
        assertThatThrownBy(() -> MatcherEngine.parse("regex")).hasMessageContaining("none, aho-corasick or hyperscan: regex");
        List<String> warnings = new ArrayList<>();
        try (PatternMatcher m = MatcherEngine.HYPERSCAN.open(SMALL, warnings::add)) {
            assertThat(m.engine()).isEqualTo(MatcherEngine.HYPERSCAN);
        }
        assertThat(warnings).isEmpty();
    }
}
