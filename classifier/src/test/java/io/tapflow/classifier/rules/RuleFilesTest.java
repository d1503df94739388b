package io.tapflow.classifier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RuleFilesTest {
    private static ByteArrayInputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bundledFilesLoad() {
        assertThat(HostRules.defaults().size()).isGreaterThan(50);
        ProtocolCatalog c = ProtocolCatalog.defaults();
        assertThat(c.byPort(6, 22)).isEqualTo("SSH");
        assertThat(c.byPort(17, 53)).isEqualTo("DNS");
        assertThat(c.overTls(993)).isEqualTo("IMAPS");
        assertThat(c.category("BitTorrent")).isEqualTo("Download");
    }

    @Test
    void longestSuffixWinsOnLabelBoundaries() {
        HostRules r = HostRules.load(text("""
                # comment
                microsoft.com        Microsoft  Cloud
                *.teams.microsoft.com  Teams    Collaborative   # trailing comment
                """), "test");
        assertThat(r.match("teams.microsoft.com").app()).isEqualTo("Teams");
        assertThat(r.match("a.b.teams.microsoft.com.").app()).isEqualTo("Teams");
        assertThat(r.match("www.MICROSOFT.com").app()).isEqualTo("Microsoft");
        assertThat(r.match("notmicrosoft.com")).isNull();
        assertThat(r.match("")).isNull();
    }

    @Test
    void aBadLineIsNamed() {
        assertThatThrownBy(() -> HostRules.load(text("a.com App\n"), "mine.txt"))
                .hasMessageContaining("mine.txt line 1");
        assertThatThrownBy(() -> ProtocolCatalog.load(text("X Cat tcp:70000\n"), "p.txt"))
                .hasMessageContaining("p.txt line 1").hasMessageContaining("70000");
        assertThatThrownBy(() -> ProtocolCatalog.load(text("X Cat sctp:1\n"), "p.txt"))
                .hasMessageContaining("bad port list 'sctp:1'");
    }
}
