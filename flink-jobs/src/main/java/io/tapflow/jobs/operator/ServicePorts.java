package io.tapflow.jobs.operator;

/**
 * The "port class" aggregates are keyed on. Keying on both ports would make one row per client connection; the
 * service port is what operators ask about ("how much HTTPS"). The source is the flow's initiator, so the
 * destination port is normally the service; a destination in the dynamic range (49152-65535, RFC 6335) is a client's
 * ephemeral port (a reply seen first, or P2P), in which case a registered source port is the service, else 0.
 */
public final class ServicePorts {
    public static final int EPHEMERAL = 0;
    private static final int DYNAMIC_RANGE_START = 49152;

    private ServicePorts() {
    }

    public static int of(int srcPort, int dstPort) {
        if (dstPort > 0 && dstPort < DYNAMIC_RANGE_START) {
            return dstPort;
        }
        if (srcPort > 0 && srcPort < DYNAMIC_RANGE_START) {
            return srcPort;
        }
        return EPHEMERAL;
    }
}
