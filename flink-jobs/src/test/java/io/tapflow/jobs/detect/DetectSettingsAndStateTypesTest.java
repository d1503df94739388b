package io.tapflow.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class DetectSettingsAndStateTypesTest {
    private static DetectSettings withP2p(int tcpUdpPeers, int peers, double ratio, int fanOutPeers) {
        DetectSettings d = DetectSettings.defaults();
        return new DetectSettings(d.scanWindow(), d.scanPorts(), d.scanHosts(), d.maxTrackedPerScanner(),
                d.floodWindow(), d.floodStep(), d.floodRatePerSecond(), d.floodMinAttempts(), d.floodMinSpan(),
                d.p2pWindow(), tcpUdpPeers, peers, ratio, d.p2pMaxTracked(), d.fanOutWindow(), fanOutPeers,
                d.fanOutConnections());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        DetectSettings d = DetectSettings.defaults();
        assertThat(d.p2pWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.p2pMinTcpUdpPeers()).isEqualTo(3);
        assertThat(d.p2pMinPeers()).isEqualTo(10);
        assertThat(d.p2pAddrPortRatio()).isEqualTo(0.8);
        assertThat(d.p2pMaxTracked()).isEqualTo(64);
        assertThat(d.fanOutWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.fanOutPeers()).isEqualTo(100);
        assertThat(d.fanOutConnections()).isEqualTo(1000);
        assertThat(withP2p(3, 10, 0.8, 100)).isEqualTo(d);
    }

    @Test
    void outOfRangeP2pAndFanOutSettingsAreRejectedNamingTheValues() {
        assertThatThrownBy(() -> withP2p(3, 10, 1.5, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ratio 1.5");
        assertThatThrownBy(() -> withP2p(0, 10, 0.8, 100)).hasMessageContaining("TCP/UDP peers 0");
        assertThatThrownBy(() -> withP2p(3, 1, 0.8, 100)).hasMessageContaining("peers 1,");
        assertThatThrownBy(() -> withP2p(3, 10, 0.8, 1)).hasMessageContaining("fan-out peers 1");
    }

    @Test
    void theNewStateAndViewClassesArePojosForFlink() {
        assertThat(TypeInformation.of(P2pState.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(FanOutState.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(HostFlow.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
