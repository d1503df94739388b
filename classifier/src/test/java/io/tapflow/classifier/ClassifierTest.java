package io.tapflow.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.dissect.Packet;
import io.tapflow.classifier.verdict.Confidence;
import io.tapflow.classifier.verdict.DnsSummary;
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

    @Test
    void aDnsQueryWaitsForItsOwnResponseWhoseCodeAndAnswersTheVerdictCarries() {
        String question = "\u0003xkq\u0007example\u0003com\u0000\u0000\u0010\u0000\u0001"; // TXT xkq.example.com
        String query = "\u0012\u0034\u0001\u0000\u0000\u0001\u0000\u0000\u0000\u0000\u0000\u0000" + question;
        String otherResponse = "\u0099\u0099\u0081\u0080\u0000\u0001\u0000\u0001\u0000\u0000\u0000\u0000" + question;
        String nxdomain = "\u0012\u0034\u0081\u0083\u0000\u0001\u0000\u0000\u0000\u0001\u0000\u0000" + question;
        Classifier c = engine.newClassifier().start(17, 40000, 53);
        assertThat(feed(c, Packet.TO_SERVER, query)).as("the query names the flow but the reply is awaited").isFalse();
        assertThat(c.verdict().label()).isEqualTo("DNS");
        assertThat(c.verdict().dns()).isEqualTo(new DnsSummary(16, DnsSummary.NO_RESPONSE, 0));
        assertThat(feed(c, Packet.TO_CLIENT, otherResponse)).as("another transaction's response").isFalse();
        assertThat(feed(c, Packet.TO_CLIENT, nxdomain)).isTrue();
        Verdict v = c.verdict();
        assertThat(v.label()).isEqualTo("DNS");
        assertThat(v.serverName()).isEqualTo("xkq.example.com");
        assertThat(v.dns()).isEqualTo(new DnsSummary(16, DnsSummary.NXDOMAIN, 0));
        assertThat(v.dns().answered()).isTrue();

        Classifier answerFirst = engine.newClassifier().start(17, 53, 40000);
        assertThat(feed(answerFirst, Packet.TO_SERVER, nxdomain)).as("a flow seen from its response").isTrue();
        assertThat(answerFirst.verdict().dns().rcode()).isEqualTo(DnsSummary.NXDOMAIN);
        assertThat(classify(6, 40000, 80, "GET / HTTP/1.0\r\n\r\n").dns()).isEqualTo(DnsSummary.NONE);
    }

    @Test
    void dnsOverTcpTakesTheResponseFromTheReplyStream() {
        String question = "\u0001a\u0007example\u0003com\u0000\u0000\u0001\u0000\u0001";
        String query = "\u0000\u001f\u0000\u0007\u0001\u0000\u0000\u0001\u0000\u0000\u0000\u0000\u0000\u0000" + question;
        String noError = "\u0000\u001f\u0000\u0007\u0081\u0080\u0000\u0001\u0000\u0002\u0000\u0000\u0000\u0000" + question;
        Classifier c = engine.newClassifier().start(6, 40000, 53);
        assertThat(feed(c, Packet.TO_SERVER, query)).isFalse();
        assertThat(feed(c, Packet.TO_CLIENT, noError)).isTrue();
        assertThat(c.verdict().dns()).isEqualTo(new DnsSummary(1, 0, 2));
    }

    private static boolean feed(Classifier c, int dir, String payload) {
        byte[] b = payload.getBytes(StandardCharsets.ISO_8859_1);
        return c.feed(dir, b, 0, b.length);
    }
}
