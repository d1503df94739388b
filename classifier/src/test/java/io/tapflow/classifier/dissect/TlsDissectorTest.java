package io.tapflow.classifier.dissect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.Classifier;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.util.Bytes;
import io.tapflow.classifier.verdict.Confidence;
import io.tapflow.classifier.verdict.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TlsDissectorTest {
    private final ClassifierEngine engine = ClassifierEngine.defaults();

    @Test
    void clientHelloGivesSniHostRuleAndFingerprints() throws Exception {
        byte[] hello = TlsSeeds.clientHello("graph.facebook.com");
        Verdict v = classify(hello);
        assertThat(v.label()).isEqualTo("TLS.Facebook");
        assertThat(v.confidence()).isEqualTo(Confidence.HOST_RULE);
        assertThat(v.serverName()).isEqualTo("graph.facebook.com");
        // JA3: legacy version, ciphers, extensions, groups, point formats; GREASE (0x0a0a) left out everywhere.
        assertThat(v.ja3()).isEqualTo(md5("771,4865-4866-49199,0-10-11-13-16-43,29-23,0"));
        // JA4: TLS 1.3 (supported_versions), SNI present, 3 ciphers, 6 extensions, ALPN h2; sorted hashes.
        assertThat(v.ja4()).isEqualTo("t13d0306h2_" + sha12("1301,1302,c02f") + "_" + sha12("000a,000b,000d,002b_0403,0804"));
    }

    @Test
    void aClientHelloSplitOverSegmentsIsJoined() {
        byte[] hello = TlsSeeds.clientHello("www.ntop.org");
        Classifier c = engine.newClassifier().start(6, 50000, 443);
        assertThat(c.feed(Packet.TO_SERVER, hello, 0, 20)).isFalse();
        assertThat(c.feed(Packet.TO_SERVER, hello, 20, hello.length - 20)).isTrue();
        assertThat(c.verdict().label()).isEqualTo("TLS.ntop");
    }

    @Test
    void unknownSniStaysPlainTls() {
        assertThat(classify(TlsSeeds.clientHello("www.example.org")).label()).isEqualTo("TLS");
    }

    @Test
    void aLyingLengthIsNotTls() {
        byte[] hello = TlsSeeds.clientHello("www.example.org");
        hello[6] = (byte) 0x7f; // a handshake length far beyond anything that arrives: never complete, no SNI
        byte[] cut = Arrays.copyOf(hello, hello.length);
        Verdict v = classify(cut);
        assertThat(v.serverName()).isEmpty();
    }

    @Test
    void midStreamRecordsInBothDirectionsAreTls() {
        byte[] app = new byte[5 + 32];
        app[0] = 23;
        app[1] = 3;
        app[2] = 3;
        app[4] = 32;
        Classifier c = engine.newClassifier().start(6, 50000, 8443);
        c.feed(Packet.TO_SERVER, app, 0, app.length);
        c.feed(Packet.TO_CLIENT, app, 0, app.length);
        assertThat(c.verdict().label()).isEqualTo("TLS");
        assertThat(c.verdict().confidence()).isEqualTo(Confidence.DPI);
    }

    private Verdict classify(byte[] payload) {
        Classifier c = engine.newClassifier().start(6, 50000, 443);
        c.feed(Packet.TO_SERVER, payload, 0, payload.length);
        return c.verdict();
    }

    private static String md5(String s) throws Exception {
        return Bytes.hex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String sha12(String s) throws Exception {
        return Bytes.hex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII))).substring(0, 12);
    }
}
