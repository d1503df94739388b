package io.tapflow.agent.bench.attack;

/**
 * The labelled attacks the generator injects, each with the detector that should report it and the unit of its rate.
 */
public enum AttackKind {
    /** Spoofed SYNs at a rate to one victim port; the victim answers SYN-ACK, nobody completes the handshake. */
    SYN_FLOOD("syn_flood", "syn_flood", "half-open/s"),
    /** One source probes distinct ports of one host (SYN; RST back from closed ports, some unanswered). */
    VERTICAL_SCAN("vertical_scan", "port_scan", "ports/s"),
    /** One source probes one port (22) on distinct hosts (some answer SYN-ACK and get a RST, some RST, some nothing). */
    HORIZONTAL_SCAN("horizontal_scan", "port_scan", "hosts/s"),
    /**
     * A P2P-like host: for each new peer, UDP both ways between its port and the peer's, a TCP connection to the
     * peer's port and one from the peer to its own port, all on high random ports, with data.
     */
    P2P_HOST("p2p_host", "p2p", "peers/s"),
    /**
     * A TCP-only P2P host (a BitTorrent-like client without its DHT): for each new peer, a TCP connection with data to
     * the peer's high port and one from the peer's own port to the host's; the {IP, port} heuristics' case.
     */
    P2P_TCP_HOST("p2p_tcp_host", "p2p", "peers/s"),
    /** One client opening successful HTTPS connections (handshake, data both ways, FIN) to distinct servers. */
    FAN_OUT("fan_out", "fan_out", "peers/s");

    private final String label;
    private final String detector;
    private final String unit;

    AttackKind(String label, String detector, String unit) {
        this.label = label;
        this.detector = detector;
        this.unit = unit;
    }

    /** The {@code kind} of a label: syn_flood, vertical_scan, horizontal_scan, p2p_host, fan_out. */
    public String label() {
        return label;
    }

    /** The detector name an alert about this attack carries. */
    public String detector() {
        return detector;
    }

    public String unit() {
        return unit;
    }
}
