package io.tapflow.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QueryNamesTest {
    private final QueryNames names = new QueryNames();
    private final DnsSettings defaults = DnsSettings.defaults();

    @Test
    void theRegisteredDomainIsTheLastTwoLabelsOrThreeUnderACountrysSecondLevel() {
        assertThat(QueryNames.registeredDomain("www.example.com")).isEqualTo("example.com");
        assertThat(QueryNames.registeredDomain("a.b.c.example.org")).isEqualTo("example.org");
        assertThat(QueryNames.registeredDomain("news.bbc.co.uk")).isEqualTo("bbc.co.uk");
        assertThat(QueryNames.registeredDomain("shop.example.com.au")).isEqualTo("example.com.au");
        assertThat(QueryNames.registeredDomain("example.com")).isEqualTo("example.com");
        assertThat(QueryNames.registeredDomain("localhost")).isEqualTo("localhost");
        assertThat(QueryNames.subdomainLength("a.b.c.example.org")).isEqualTo(3);
        assertThat(QueryNames.subdomainLength("example.org")).isZero();
    }

    @Test
    void entropyIsShannonsOverTheSubdomainCharacters() {
        assertThat(names.subdomainEntropy("aaaaaaaa.example.com")).isEqualTo(0.0);
        assertThat(names.subdomainEntropy("abcd.example.com")).isCloseTo(2.0, within(1e-9));
        assertThat(names.subdomainEntropy("ab.cd.example.com")).as("dots do not count").isCloseTo(2.0, within(1e-9));
        assertThat(names.subdomainEntropy("0123456789abcdef.example.com")).isCloseTo(4.0, within(1e-9));
        assertThat(names.subdomainEntropy("example.com")).isZero();
    }

    @Test
    void longHighEntropySubdomainsAreSuspiciousAndOrdinaryNamesAreNot() {
        // iodine-like base32 payload and dnscat2-like hex payload under a tunnel domain
        assertThat(names.suspicious("nbswy3dpeb3w64tmmqqgs5dtnfsw4zlsm5xw6z3mmvsgk3tu.t.tunnel-lab.net", defaults)).isTrue();
        assertThat(names.suspicious("8f0c01a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4.dnscat.tunnel-lab.net", defaults)).isTrue();
        assertThat(names.suspicious("www.google.com", defaults)).isFalse();
        assertThat(names.suspicious("r4---sn-uxaxjvhxbt2u-j5pe.googlevideo.com", defaults)).as("25 characters").isFalse();
        assertThat(names.suspicious("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com", defaults)).as("no entropy").isFalse();
        assertThat(names.suspicious(
                "b.a.9.8.7.6.5.4.3.2.1.0.f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.0.8.b.d.0.1.0.0.2.ip6.arpa", defaults))
                .as("reverse lookups").isFalse();
        assertThat(names.suspicious("", defaults)).isFalse();
    }
}
