package io.tapflow.agent.bench.attack;

import java.util.List;

/**
 * The labelled attacks the generator injects, each with the detectors that should report it and the unit of its rate.
 */
public enum AttackKind {
    /** Spoofed SYNs at a rate to one victim port; the victim answers SYN-ACK, nobody completes the handshake. */
    SYN_FLOOD("syn_flood", List.of("syn_flood"), "half-open/s"),
    /**
     * One source probes distinct ports of one host (SYN; RST back from closed ports, some unanswered). Its failed
     * first contacts are what Threshold Random Walk judges too, whatever the rate.
     */
    VERTICAL_SCAN("vertical_scan", List.of("port_scan", "trw_scan"), "ports/s"),
    /** One source probes one port (22) on distinct hosts (some answer SYN-ACK and get a RST, some RST, some nothing). */
    HORIZONTAL_SCAN("horizontal_scan", List.of("port_scan", "trw_scan"), "hosts/s"),
    /**
     * A P2P-like host: for each new peer, UDP both ways between its port and the peer's, a TCP connection to the
     * peer's port and one from the peer to its own port, all on high random ports, with data.
     */
    P2P_HOST("p2p_host", List.of("p2p"), "peers/s"),
    /**
     * A TCP-only P2P host (a BitTorrent-like client without its DHT): for each new peer, a TCP connection with data to
     * the peer's high port and one from the peer's own port to the host's; the {IP, port} heuristics' case.
     */
    P2P_TCP_HOST("p2p_tcp_host", List.of("p2p"), "peers/s"),
    /** One client opening successful HTTPS connections (handshake, data both ways, FIN) to distinct servers. */
    FAN_OUT("fan_out", List.of("fan_out"), "peers/s");

    private final String label;
    private final List<String> detectors;
    private final String unit;

    AttackKind(String label, List<String> detectors, String unit) {
        this.label = label;
        this.detectors = detectors;
        this.unit = unit;
    }

    /** The {@code kind} of a label: syn_flood, vertical_scan, horizontal_scan, p2p_host, fan_out. */
    public String label() {
        return label;
    }

    /** The detector names of the alerts that should report this attack: one label per detector. */
    public List<String> detectors() {
        return detectors;
    }

    public String unit() {
        return unit;
    }
}
