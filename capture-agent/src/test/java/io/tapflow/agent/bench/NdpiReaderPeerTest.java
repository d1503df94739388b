package io.tapflow.agent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NdpiReaderPeerTest {
    private static String pass(long packets, long flows, String throughput) {
        return "Traffic statistics:\n\tEthernet bytes:        " + (packets * 124) + "       (includes ethernet CRC/IFC/trailer)\n"
                + "\tIP packets:            " + packets + "             of " + packets + " packets total\n"
                + "\tUnique flows:          " + flows + "\n"
                + (throughput == null ? "" : "\tnDPI throughput:       " + throughput + " / 42.92 Mb/sec\n")
                + "\tTraffic throughput:    800.00 K pps / 3.40 Gb/sec\n";
    }

    @Test
    void takesTheMedianPassTimeFromPacketsOverItsOwnThroughput() {
        String out = pass(1000, 10, "100.00 K pps") + pass(1000, 10, "950.00 pps") + pass(1000, 10, "2.00 M pps");
        NdpiReaderPeer.Pass p = NdpiReaderPeer.parse(Path.of("f.pcap"), out, 3);
        assertEquals(1000, p.packets());
        assertEquals(10, p.flows());
        assertEquals(100_000, p.bytes()); // 124 per packet less the 24 of wire overhead
        assertEquals(1000 / 100_000.0, p.seconds(), 1e-12); // passes took 10 ms, 1.05 s and 0.5 ms
    }

    @Test
    void anEmptyPassTakesNoTime() {
        NdpiReaderPeer.Pass p = NdpiReaderPeer.parse(Path.of("empty.pcap"), pass(0, 0, null), 1);
        assertEquals(0, p.packets());
        assertEquals(0.0, p.seconds());
    }

    @Test
    void missingPassesAreAnErrorNotAFigure() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NdpiReaderPeer.parse(Path.of("f.pcap"), pass(10, 1, "1.00 K pps"), 2));
        assertEquals("f.pcap: expected 2 passes in ndpiReader's output, found 1", e.getMessage());
        assertThrows(IllegalStateException.class, () -> NdpiReaderPeer.parse(Path.of("f.pcap"), pass(10, 1, null), 1));
    }
}
