package io.tapflow.agent.source.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.agent.cli.TapFlowCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What an operator sees when a live source cannot start: the interface, the capability, libpcap's own words. */
class LiveSourceErrorsTest {
    @Test
    void afPacketNamesAMissingInterfaceAndListsTheOthers() {
        assertThatThrownBy(() -> new AfPacketSource("tfnope0", 1 << 20, null, true, -1))
                .isInstanceOf(LiveCaptureException.class)
                .hasMessageContaining("no network interface 'tfnope0'").hasMessageContaining("lo");
    }

    @Test
    void pcapNamesAMissingInterface() {
        assertThatThrownBy(() -> new PcapSource("tfnope0", 1 << 20, "", true, 16))
                .isInstanceOf(LiveCaptureException.class).hasMessageContaining("tfnope0");
    }

    @Test
    void aFilterThatDoesNotCompileGivesLibpcapsMessage() {
        assertThatThrownBy(() -> BpfProgram.compile("tcp port", BpfProgram.DLT_EN10MB))
                .isInstanceOf(LiveCaptureException.class)
                .hasMessageContaining("filter 'tcp port' does not compile").hasMessageContaining("syntax error");
        try (BpfProgram ok = BpfProgram.compile("tcp port 443 or udp", BpfProgram.DLT_EN10MB)) {
            assertThat(ok.instructions()).isPositive();
        }
    }

    /** Without CAP_NET_RAW (dropped from the bounding set by setpriv) the agent names the capability and exits 2. */
    @Test
    void withoutCapNetRawTheAgentNamesTheCapability() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is not installed");
        Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
                "not root: dropping capabilities from the bounding set needs CAP_SETPCAP (and an unprivileged run cannot capture anyway)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process agent = new ProcessBuilder("/usr/bin/setpriv", "--bounding-set=-net_raw,-net_admin", "--inh-caps=-all", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), TapFlowCli.class.getName(),
                "agent", "--interface", "lo", "--output", "none").redirectErrorStream(true).start();
        try {
            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("agent gives up at once").isTrue();
            String out = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(agent.exitValue()).as(out).isEqualTo(2);
            assertThat(out).contains("capturing on lo needs CAP_NET_RAW").contains("CAP_NET_ADMIN for promiscuous mode");
        } finally {
            agent.destroyForcibly();
        }
    }
}
