package io.tapflow.agent.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.agent.testing.TestData;
import io.tapflow.classifier.ClassifierEngine;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Captures outside nDPI's set, with other projects' expectations (testdata/README.md, pcap-extra). */
class ClassifyExtraCapturesTest {
    @Test
    void suricataBitTorrentDhtFlowsAreBitTorrent() {
        StringWriter out = new StringWriter();
        List<ClassifiedFlow> flows = ClassifyRun.run(TestData.extra("suricata-verify_bittorrent-dht.pcap"),
                ClassifierEngine.defaults(), out).flows();
        assertThat(flows).hasSize(2).allSatisfy(f -> assertThat(f.verdict().app()).isEqualTo("BitTorrent"));
        assertThat(out.toString()).contains("\"app\":\"BitTorrent\"", "\"confidence\":\"DPI\"");
    }

    @Test
    void zeekTrackerAnnounceIsHttpWithItsHost() {
        List<ClassifiedFlow> flows = ClassifyRun.run(TestData.extra("zeek_bittorrent-tracker.pcap"),
                ClassifierEngine.defaults(), null).flows();
        assertThat(flows).hasSize(1);
        assertThat(flows.get(0).verdict().label()).isEqualTo("HTTP");
        assertThat(flows.get(0).verdict().serverName()).isEqualTo("torrent.ubuntu.com");
    }
}
