package io.tapflow.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureListsTest {
    @TempDir
    Path dir;

    @Test
    void directoriesBecomeTheirCaptureFilesSortedAndFilesStayAsNamed() throws Exception {
        for (String name : List.of("b.pcapng", "a.pcap", "notes.txt", "c.cap")) {
            Files.writeString(dir.resolve(name), "");
        }
        Path other = dir.resolve("elsewhere.bin");
        assertThat(CaptureLists.expand(List.of(other, dir)))
                .containsExactly(other, dir.resolve("a.pcap"), dir.resolve("b.pcapng"), dir.resolve("c.cap"));
    }

    @Test
    void theBundledCapturesAreThoseOfTestdataPcapUnderTheHome() throws Exception {
        assertThatThrownBy(() -> CaptureLists.bundled(dir)).hasMessageContaining("name the capture files");
        Path pcaps = Files.createDirectories(dir.resolve("testdata").resolve("pcap"));
        Files.writeString(pcaps.resolve("x.pcap"), "");
        assertThat(CaptureLists.bundled(dir)).containsExactly(pcaps.resolve("x.pcap"));
    }
}
