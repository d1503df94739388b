package io.tapflow.agent.decode;

/** Why a frame was skipped. Counted per reason, never thrown. */
public enum MalformedReason {
    TRUNCATED_LINK_HEADER("truncated_link_header"),
    VLAN_STACK_TOO_DEEP("vlan_stack_too_deep"),
    MPLS_STACK_TOO_DEEP("mpls_stack_too_deep"),
    TRUNCATED_IP_HEADER("truncated_ip_header"),
    BAD_IP_VERSION("bad_ip_version"),
    BAD_IP_HEADER_LENGTH("bad_ip_header_length"),
    BAD_IP_TOTAL_LENGTH("bad_ip_total_length"),
    BAD_IPV6_EXTENSION_HEADER("bad_ipv6_extension_header"),
    TUNNEL_TOO_DEEP("tunnel_too_deep"),
    TRUNCATED_L4_HEADER("truncated_l4_header"),
    BAD_TCP_HEADER_LENGTH("bad_tcp_header_length"),
    BAD_UDP_LENGTH("bad_udp_length");

    private final String label;

    MalformedReason(String label) {
        this.label = label;
    }

    /** The name used in stats, metrics and logs. */
    public String label() {
        return label;
    }

    private static final MalformedReason[] VALUES = values();

    public static MalformedReason of(int ordinal) {
        return VALUES[ordinal];
    }
}
