package io.tapflow.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.dissect.Packet;
import io.tapflow.classifier.verdict.Confidence;
import io.tapflow.classifier.verdict.Verdict;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClassifierTest {
    private final ClassifierEngine engine = ClassifierEngine.defaults();

    private Verdict classify(int proto, int clientPort, int serverPort, String... payloads) {
        Classifier c = engine.newClassifier().start(proto, clientPort, serverPort);
        int dir = Packet.TO_SERVER;
        for (String p : payloads) {
            byte[] b = p.getBytes(StandardCharsets.ISO_8859_1);
            c.feed(dir, b, 0, b.length);
            dir ^= 1;
        }
        return c.verdict();
    }

    @Test
    void httpHostRuleNamesTheApplication() {
        Verdict v = classify(6, 40000, 80, "GET / HTTP/1.1\r\nHost: pic.1kxun.com:80\r\nUser-Agent: x\r\n\r\n");
        assertThat(v.label()).isEqualTo("HTTP.1kxun");
        assertThat(v.serverName()).isEqualTo("pic.1kxun.com");
        assertThat(v.category()).isEqualTo("Streaming");
    }

    @Test
    void hostRulesMatchWholeLabelsOnly() {
        assertThat(classify(6, 40000, 80, "GET / HTTP/1.1\r\nHost: notfacebook.com\r\n\r\n").label()).isEqualTo("HTTP");
        assertThat(classify(6, 40000, 80, "GET / HTTP/1.1\r\nHost: m.facebook.com\r\n\r\n").label()).isEqualTo("HTTP.Facebook");
    }

    @Test
    void sshBannerOnAnyPort() {
        Verdict v = classify(6, 40000, 2222, "SSH-2.0-OpenSSH_9.6\r\n", "SSH-2.0-OpenSSH_8.0\r\n");
        assertThat(v.label()).isEqualTo("SSH");
        assertThat(v.serverName()).isEqualTo("SSH-2.0-OpenSSH_9.6");
    }

    @Test
    void smtpAndFtpShareTheGreetingAndAreToldApartByTheCommand() {
        assertThat(classify(6, 40000, 2525, "", "220 hello\r\n", "EHLO me\r\n").label()).isIn("SMTP");
        assertThat(classify(6, 40000, 2121, "", "220 hello\r\n", "USER anonymous\r\n").label()).isEqualTo("FTP_CONTROL");
    }

    @Test
    void noPayloadGuessesFromTheServerPortOnly() {
        Verdict v = classify(6, 40000, 3306);
        assertThat(v.label()).isEqualTo("MySQL");
        assertThat(v.confidence()).isEqualTo(Confidence.PORT_GUESS);
        assertThat(classify(6, 40000, 31337).known()).isFalse();
    }

    @Test
    void unrecognisedPayloadOnAnUnregisteredPortStaysUnknown() {
        Verdict v = classify(17, 40000, 41000, "\u0001\u0002garbage that is nothing", "more nothing");
        assertThat(v).isEqualTo(Verdict.NONE);
    }

    @Test
    void icmpIsNamedByItsProtocolNumber() {
        assertThat(classify(1, 0, 0).label()).isEqualTo("ICMP");
        assertThat(classify(58, 0, 0).label()).isEqualTo("ICMPV6");
    }

    @Test
    void dnsOnItsPortAndItsMulticastRelatives() {
        String query = "\u0012\u0034\u0001\u0000\u0000\u0001\u0000\u0000\u0000\u0000\u0000\u0000"
                + "\u0003www\u0007example\u0003com\u0000\u0000\u0001\u0000\u0001";
        assertThat(classify(17, 40000, 53, query).serverName()).isEqualTo("www.example.com");
        assertThat(classify(17, 5353, 5353, query).label()).isEqualTo("MDNS");
        assertThat(classify(17, 40000, 5355, query).label()).isEqualTo("LLMNR");
    }

    @Test
    void aDecidedClassifierIgnoresFurtherPackets() {
        Classifier c = engine.newClassifier().start(6, 40000, 80);
        byte[] req = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(c.feed(Packet.TO_SERVER, req, 0, req.length)).isTrue();
        byte[] junk = "SSH-2.0-x\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(c.feed(Packet.TO_SERVER, junk, 0, junk.length)).isTrue();
        assertThat(c.verdict().label()).isEqualTo("HTTP");
    }
}
