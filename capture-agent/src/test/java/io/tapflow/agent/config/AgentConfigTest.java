package io.tapflow.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        var concluded = example.conclude();
        assertThat(concluded.meter().idleTimeoutNs()).isEqualTo(30_000_000_000L);
        assertThat(concluded.meter().activeTimeoutNs()).isEqualTo(120_000_000_000L);
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

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("agent-" + System.nanoTime() + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
