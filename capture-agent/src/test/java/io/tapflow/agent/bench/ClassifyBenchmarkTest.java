package io.tapflow.agent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapflow.agent.classify.ClassifyRun;
import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.ClassifierEngine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifyBenchmarkTest {
    @Test
    void countsThePacketsAndFlowsThatClassifySees() {
        List<Path> files = List.of(TestData.pcap("dns.pcap"), TestData.pcap("quic.pcap"));
        ClassifyBenchmark.Result r = ClassifyBenchmark.run(files, ClassifierEngine.defaults(), 0, 1, null);

        long packets = 0;
        long flows = 0;
        for (Path f : files) {
            ClassifyRun.Result c = ClassifyRun.run(f, ClassifierEngine.defaults(), null);
            packets += c.replay().frames();
            flows += c.flows().size();
        }
        assertEquals(packets, r.packets());
        assertEquals(flows, r.flows());
        assertTrue(r.fullCpuSeconds() > 0 && r.meterCpuSeconds() > 0, r.toString());
    }
}
