package io.tapflow.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapflow.classifier.match.MatcherEngine;
import io.tapflow.classifier.match.SignatureSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void exampleFileLoadsAndMatchesTheDefaults() {
        AgentConfig example = AgentConfig.load(Path.of("agent.example.yaml"));
        AgentConfig defaults = new AgentConfig();
        assertThat(example.output).isEqualTo(AgentConfig.Output.KAFKA);
        assertThat(example.flow.capacity).isEqualTo(defaults.flow.capacity);
        assertThat(example.flow.idleTimeout).isEqualTo(defaults.flow.idleTimeout);
        assertThat(example.flow.activeTimeout).isEqualTo(defaults.flow.activeTimeout);
        assertThat(example.sampling.packetsPerDirection).isEqualTo(defaults.sampling.packetsPerDirection);
        assertThat(example.kafka.bufferRecords).isEqualTo(defaults.kafka.bufferRecords);
        assertThat(example.capture.source).isEqualTo(defaults.capture.source);
        assertThat(example.capture.threads).isEqualTo(defaults.capture.threads);
        assertThat(example.capture.ringMb).isEqualTo(defaults.capture.ringMb);
        assertThat(example.capture.promiscuous).isEqualTo(defaults.capture.promiscuous);
        assertThat(example.pattern.engine).isEqualTo(defaults.pattern.engine);
        assertThat(example.pattern.signatures).isEqualTo(defaults.pattern.signatures);
        var concluded = example.conclude();
        assertThat(concluded.meter().idleTimeoutNs()).isEqualTo(30_000_000_000L);
        assertThat(concluded.meter().activeTimeoutNs()).isEqualTo(120_000_000_000L);
    }

    @Test
    void patternKeysLoadFromYamlEnvironmentAndAreValidated() throws IOException {
        AgentConfig.Concluded defaults = new AgentConfig().conclude();
        assertThat(defaults.matcher()).isEqualTo(MatcherEngine.AHO_CORASICK);
        assertThat(defaults.signatures().source()).isEqualTo(SignatureSet.DEFAULT_RESOURCE);
        assertThat(AgentConfig.load(write("pattern:\n  engine: none\n")).conclude().signatures()).isNull();
        Path sigs = dir.resolve("mine.txt");
        Files.writeString(sigs, "# mine\n7 HTTP tcp GET\\s\n");
        AgentConfig.Concluded mine = AgentConfig.load(write("pattern:\n  engine: hyperscan\n  signatures: " + sigs + "\n")).conclude();
        assertThat(mine.matcher()).isEqualTo(MatcherEngine.HYPERSCAN);
        assertThat(mine.signatures().size()).isEqualTo(1);
        AgentConfig env = AgentConfig.load(null, Map.of("TAPFLOW_MATCHER", "none", "TAPFLOW_SIGNATURES", sigs.toString()));
        assertThat(env.pattern.engine).isEqualTo("none");
        assertThat(env.pattern.signatures).isEqualTo(sigs.toString());
        assertThatThrownBy(() -> AgentConfig.load(write("pattern:\n  engine: regex\n")).conclude())
                .isInstanceOf(ConfigException.class).hasMessageContaining("pattern.engine").hasMessageContaining("'regex'");
        Files.writeString(sigs, "7 HTTP tcp GET\n8 HTTP tcp \\xZ1\n");
        assertThatThrownBy(() -> AgentConfig.load(write("pattern:\n  signatures: " + sigs + "\n")).conclude())
                .isInstanceOf(ConfigException.class).hasMessageContaining("pattern.signatures")
                .hasMessageContaining(sigs + " line 2");
        assertThatThrownBy(() -> AgentConfig.load(write("pattern:\n  signatures: " + dir.resolve("none.txt") + "\n")).conclude())
                .isInstanceOf(ConfigException.class).hasMessageContaining("none.txt");
    }

    @Test
    void unknownKeyIsNamed() throws IOException {
        Path f = write("flow:\n  idle-timout: 10s\n");
        assertThatThrownBy(() -> AgentConfig.load(f)).isInstanceOf(ConfigException.class).hasMessageContaining("idle-timout");
    }

    @Test
    void badValuesAreNamedWithTheirValue() throws IOException {
        assertThatThrownBy(() -> AgentConfig.load(write("flow:\n  idle-timeout: soon\n")).conclude())
                .hasMessageContaining("flow.idle-timeout").hasMessageContaining("soon");
        assertThatThrownBy(() -> AgentConfig.load(write("flow:\n  active-timeout: 10s\n")).conclude())
                .hasMessageContaining("flow.active-timeout (10s)").hasMessageContaining("flow.idle-timeout (30s)");
        assertThatThrownBy(() -> AgentConfig.load(write("sampling:\n  packets-per-direction: 16\n")).conclude())
                .hasMessageContaining("sampling.packets-per-direction").hasMessageContaining("16");
        assertThatThrownBy(() -> AgentConfig.load(write("kafka:\n  bootstrap: nowhere\n")).conclude())
                .hasMessageContaining("kafka.bootstrap").hasMessageContaining("nowhere");
        assertThatThrownBy(() -> AgentConfig.load(write("output: carrier-pigeon\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("carrier-pigeon");
        assertThatThrownBy(() -> AgentConfig.load(dir.resolve("missing.yaml"))).hasMessageContaining("missing.yaml");
    }

    @Test
    void captureKeysLoadFromYamlAndAreValidated() throws IOException {
        AgentConfig c = AgentConfig.load(write("""
                capture:
                  interface: eth1
                  source: afpacket
                  threads: 4
                  ring-mb: 16
                  filter: "tcp or udp"
                  promiscuous: false
                """), Map.of());
        assertThat(c.live()).isTrue();
        assertThat(c.capture.networkInterface).isEqualTo("eth1");
        assertThat(c.capture.threads).isEqualTo(4);
        assertThat(c.capture.ringMb).isEqualTo(16);
        assertThat(c.capture.promiscuous).isFalse();
        c.conclude();

        assertThatThrownBy(() -> AgentConfig.load(write("capture:\n  interface: eth1\n  source: dpdk\n")))
                .hasMessageContaining("dpdk").hasMessageContaining("AFPACKET");
        assertThatThrownBy(() -> AgentConfig.load(write("capture:\n  interface: eth1\n  threads: 0\n")).conclude())
                .hasMessageContaining("capture.threads").hasMessageContaining(": 0");
        assertThatThrownBy(() -> AgentConfig.load(write("capture:\n  interface: eth1\n  source: pcap\n  threads: 2\n")).conclude())
                .hasMessageContaining("capture.threads").hasMessageContaining("pcap source captures on one thread");
    }

    @Test
    void aRingTooLargeForMemoryNamesTheSizeAndTheLimit() throws IOException {
        AgentConfig c = AgentConfig.load(write("capture:\n  interface: eth1\n  threads: 64\n  ring-mb: 4095\n"), Map.of());
        assertThatThrownBy(c::conclude).isInstanceOf(ConfigException.class)
                .hasMessageContaining("64 ring(s) of 4095 MiB = 262080 MiB").hasMessageContaining("exceed the limit of")
                .hasMessageContaining("MemAvailable");
    }

    @Test
    void aFilterThatDoesNotCompileGivesLibpcapsMessage() throws IOException {
        AgentConfig c = AgentConfig.load(write("capture:\n  interface: eth1\n  filter: \"tcp port\"\n"), Map.of());
        assertThatThrownBy(c::conclude).isInstanceOf(ConfigException.class)
                .hasMessageContaining("capture.filter").hasMessageContaining("'tcp port'").hasMessageContaining("syntax error");
    }

    @Test
    void environmentGivesDefaultsThatTheFileOverrides() throws IOException {
        Map<String, String> env = Map.of("TAPFLOW_INTERFACE", "eth2", "TAPFLOW_THREADS", "2", "TAPFLOW_RING_MB", "8",
                "TAPFLOW_FILTER", "udp", "TAPFLOW_KAFKA", "k1:9092", "TAPFLOW_METRICS_PORT", "9464", "TAPFLOW_SOURCE", "pcap");
        AgentConfig fromEnv = AgentConfig.load(null, env);
        assertThat(fromEnv.capture.networkInterface).isEqualTo("eth2");
        assertThat(fromEnv.capture.threads).isEqualTo(2);
        assertThat(fromEnv.capture.ringMb).isEqualTo(8);
        assertThat(fromEnv.capture.filter).isEqualTo("udp");
        assertThat(fromEnv.capture.source).isEqualTo(AgentConfig.Source.PCAP);
        assertThat(fromEnv.kafka.bootstrap).isEqualTo("k1:9092");
        assertThat(fromEnv.metrics.port).isEqualTo(9464);

        AgentConfig overridden = AgentConfig.load(write("capture:\n  interface: eth3\n"), env);
        assertThat(overridden.capture.networkInterface).isEqualTo("eth3");
        assertThat(overridden.capture.threads).isEqualTo(2);

        assertThatThrownBy(() -> AgentConfig.load(null, Map.of("TAPFLOW_THREADS", "many")))
                .hasMessageContaining("TAPFLOW_THREADS").hasMessageContaining("many");
    }

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("agent-" + System.nanoTime() + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
