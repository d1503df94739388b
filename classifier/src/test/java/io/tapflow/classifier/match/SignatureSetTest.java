package io.tapflow.classifier.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureSetTest {
    private static SignatureSet parse(String text) {
        return SignatureSet.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.txt");
    }

    @Test
    void bundledSetLoadsWithDistinctIdsAndKnownTransports() {
        SignatureSet set = SignatureSet.defaults();
        assertThat(set.size()).isGreaterThan(60);
        assertThat(set.protocol(100)).isEqualTo("BitTorrent");
        Signature bt = set.signatures().stream().filter(s -> s.id() == 100).findFirst().orElseThrow();
        assertThat(bt.bytes()).isEqualTo("\u0013BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        assertThat(bt.l4proto()).isEqualTo(6);
        assertThat(bt.offset()).isZero();
        Signature stun = set.signatures().stream().filter(s -> s.id() == 95).findFirst().orElseThrow();
        assertThat(stun.offset()).isEqualTo(4);
        assertThat(stun.bytes()).containsExactly(0x21, 0x12, 0xa4 - 256, 0x42);
    }

    @Test
    void escapesOptionsAndDefaults() {
        SignatureSet set = parse("""
                # comment
                7  X  udp  nocase  a\\sb\\x23\\\\\\t\\r\\n  # trailing comment
                8  Y  any  anywhere  \\x00\\xFF
                9  Z  tcp  offset=12 nocase  Q
                """);
        Signature a = set.signatures().get(0);
        assertThat(a.bytes()).containsExactly('a', ' ', 'b', '#', '\\', '\t', '\r', '\n');
        assertThat(a.nocase()).isTrue();
        assertThat(a.offset()).as("anchored at 0 by default").isZero();
        assertThat(a.l4proto()).isEqualTo(17);
        Signature b = set.signatures().get(1);
        assertThat(b.anchored()).isFalse();
        assertThat(b.bytes()).containsExactly(0, -1);
        assertThat(b.appliesTo(6)).isTrue();
        assertThat(set.signatures().get(2).offset()).isEqualTo(12);
        assertThat(SignatureSet.unescape(SignatureSet.escape(a.bytes()))).isEqualTo(a.bytes());
    }

    @Test
    void badLinesNameFileAndLine() {
        assertThatThrownBy(() -> parse("1 X tcp GET\n\n2 X tcp \\xZZ\n"))
                .hasMessageContaining("test.txt line 3").hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> parse("1 X tcp A\n1 Y udp B\n"))
                .hasMessageContaining("test.txt line 2").hasMessageContaining("already used on line 1");
        assertThatThrownBy(() -> parse("1 X sctp A\n")).hasMessageContaining("line 1").hasMessageContaining("tcp, udp or any");
        assertThatThrownBy(() -> parse("1 X tcp offset=x A\n")).hasMessageContaining("bad offset");
        assertThatThrownBy(() -> parse("1 X tcp sometimes A\n")).hasMessageContaining("unknown or repeated option 'sometimes'");
        assertThatThrownBy(() -> parse("1 X tcp nocase nocase A\n")).hasMessageContaining("repeated");
        assertThatThrownBy(() -> parse("0 X tcp A\n")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> parse("70000 X tcp A\n")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> parse("1 X tcp\n")).hasMessageContaining("line 1").hasMessageContaining("expected");
        assertThatThrownBy(() -> parse("1 X tcp ab\\\n")).hasMessageContaining("inside an escape");
        assertThatThrownBy(() -> parse("1 X tcp a\\qb\n")).hasMessageContaining("unknown escape \\q");
        assertThatThrownBy(() -> parse("1 X tcp é\n")).hasMessageContaining("not printable ASCII");
        assertThatThrownBy(() -> parse("# nothing\n")).hasMessageContaining("no signatures");
        assertThatThrownBy(() -> parse("1 X tcp offset=5000 A\n")).hasMessageContaining("offset must be 0..4096");
    }
}
