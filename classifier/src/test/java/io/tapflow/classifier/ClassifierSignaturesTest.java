package io.tapflow.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.dissect.Dissector;
import io.tapflow.classifier.dissect.Dissectors;
import io.tapflow.classifier.dissect.Findings;
import io.tapflow.classifier.dissect.Packet;
import io.tapflow.classifier.match.AhoCorasickMatcher;
import io.tapflow.classifier.match.MatchedIds;
import io.tapflow.classifier.match.Signature;
import io.tapflow.classifier.match.SignatureSet;
import io.tapflow.classifier.rules.HostRules;
import io.tapflow.classifier.rules.ProtocolCatalog;
import io.tapflow.classifier.verdict.Confidence;
import io.tapflow.classifier.verdict.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signature ids from the pattern matcher: their dissectors are asked first; alone they give a SIGNATURE verdict. */
class ClassifierSignaturesTest {
    /** A dissector that answers {@code answer} to everything and logs who was asked. */
    private record Fake(String name, int answer, List<String> asked) implements Dissector {
        @Override
        public int inspect(Packet p, Findings f) {
            asked.add(name);
            return answer == MATCH ? f.match(name) : answer;
        }
    }

    private static final SignatureSet SET = SignatureSet.of("test", List.of(
            new Signature(1, "A", 6, 0, false, bytes("a")),
            new Signature(2, "B", 6, 0, false, bytes("b")),
            new Signature(3, "C", 6, 0, false, bytes("cc")),
            new Signature(4, "D", 6, 0, false, bytes("ddd"))));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Verdict feed(ClassifierEngine engine, int... ids) {
        Classifier c = engine.newClassifier().start(6, 40000, 31337);
        byte[] payload = bytes("payload");
        c.feed(Packet.TO_SERVER, payload, 0, payload.length, ids, ids.length);
        return c.verdict();
    }

    @Test
    void theSignaturesDissectorsAreAskedFirst() {
        List<String> asked = new ArrayList<>();
        ClassifierEngine engine = new ClassifierEngine(List.of(new Fake("A", Dissector.MATCH, asked),
                new Fake("B", Dissector.MATCH, asked)), HostRules.defaults(), ProtocolCatalog.defaults(), false, SET);
        assertThat(feed(engine).label()).isEqualTo("A");
        assertThat(asked).containsExactly("A");
        asked.clear();
        Verdict v = feed(engine, 2);
        assertThat(v.label()).isEqualTo("B");
        assertThat(v.confidence()).isEqualTo(Confidence.DPI);
        assertThat(asked).as("decided by the hinted dissector alone").containsExactly("B");
    }

    @Test
    void whenNoDissectorRecognisesThePayloadTheMostSpecificSignatureNamesTheFlow() {
        List<String> asked = new ArrayList<>();
        ClassifierEngine engine = new ClassifierEngine(List.of(new Fake("A", Dissector.NO_MATCH, asked),
                new Fake("C", Dissector.NO_MATCH, asked)), HostRules.defaults(), ProtocolCatalog.defaults(), false, SET);
        assertThat(feed(engine).known()).isFalse();
        Verdict v = feed(engine, 1, 4, 3, 999);
        assertThat(v.label()).as("the longest signature, 'ddd'; unknown id 999 ignored").isEqualTo("D");
        assertThat(v.confidence()).isEqualTo(Confidence.SIGNATURE);
        assertThat(asked).contains("C", "A");
        assertThat(feed(engine, 999).known()).isFalse();
    }

    @Test
    void aParsedProtocolBeatsASignatureAndAPortGuessLosesToOne() {
        ClassifierEngine engine = ClassifierEngine.defaults();
        SignatureSet bundled = engine.signatures();
        AhoCorasickMatcher matcher = new AhoCorasickMatcher(bundled);
        MatchedIds ids = MatchedIds.forSet(bundled);

        // A BitTorrent tracker announce is an HTTP request the HTTP dissector parses: DPI, not SIGNATURE.
        byte[] announce = bytes("GET /announce?info_hash=%01%02 HTTP/1.1\r\nHost: tracker.example\r\n\r\n");
        matcher.newScanner().scan(announce, 0, announce.length, 6, ids);
        assertThat(ids.toArray()).contains(1, 103);
        Classifier c = engine.newClassifier().start(6, 40000, 6969);
        c.feed(Packet.TO_SERVER, announce, 0, announce.length, ids.array(), ids.count());
        assertThat(c.verdict().confidence()).isIn(Confidence.DPI, Confidence.HOST_RULE);

        // A Bitcoin version message on an unregistered port: no dissector parses it; the signature names it.
        byte[] version = new byte[40];
        System.arraycopy(new byte[] {(byte) 0xf9, (byte) 0xbe, (byte) 0xb4, (byte) 0xd9}, 0, version, 0, 4);
        System.arraycopy(bytes("version"), 0, version, 4, 7);
        ids.clear();
        matcher.newScanner().scan(version, 0, version.length, 6, ids);
        assertThat(ids.toArray()).containsExactly(120);
        Classifier b = engine.newClassifier().start(6, 40000, 12345);
        b.feed(Packet.TO_SERVER, version, 0, version.length, ids.array(), ids.count());
        Verdict v = b.verdict();
        assertThat(v.label()).isEqualTo("BITCOIN");
        assertThat(v.confidence()).isEqualTo(Confidence.SIGNATURE);
        assertThat(v.category()).isEqualTo(ProtocolCatalog.defaults().category("BITCOIN"));
        Classifier without = engine.newClassifier().start(6, 40000, 12345);
        without.feed(Packet.TO_SERVER, version, 0, version.length);
        assertThat(without.verdict().known()).as("the same payload without the matcher").isFalse();
    }

    @Test
    void everyBundledSignatureNamesADissectorOrACatalogProtocol() {
        List<Dissector> ds = Dissectors.all();
        ProtocolCatalog catalog = ProtocolCatalog.defaults();
        for (Signature s : SignatureSet.defaults().signatures()) {
            boolean dissected = ds.stream().anyMatch(d -> d.recognises(s.protocol()));
            assertThat(dissected || !catalog.category(s.protocol()).isEmpty())
                    .as("signature %d names %s, which no dissector recognises and the catalog does not know", s.id(), s.protocol())
                    .isTrue();
        }
    }
}
