package io.tapflow.localstack.bench.detect;

import io.tapflow.agent.bench.attack.AttackGroup;
import io.tapflow.agent.bench.attack.AttackKind;
import io.tapflow.jobs.detect.DetectSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The attack groups of the benchmark, at multiples of each detector's documented threshold taken as a rate: a SYN
 * flood's {@code floodRatePerSecond}; a vertical scan's {@code scanPorts} per {@code scanWindow}; a horizontal one's
 * {@code scanHosts} per {@code scanWindow}; a P2P host's {@code p2pMinTcpUdpPeers} peers per {@code p2pWindow} (a
 * TCP-only one's {@code p2pMinPeers}); a fan-out's {@code fanOutPeers} per {@code fanOutWindow}. Each instance sends
 * twice the threshold's count (200 SYNs, 30 ports, 50 hosts, 6 or 20 peers, 200 servers), so at 1× one window holds
 * exactly the threshold and below it none does.
 */
public final class AttackMix {
    private AttackMix() {
    }

    public static List<AttackGroup> groups(DetectSettings s, double[] multiples, int instances,
                                           Collection<AttackKind> kinds) {
        List<AttackGroup> groups = new ArrayList<>();
        for (AttackKind kind : kinds) {
            for (double m : multiples) {
                groups.add(new AttackGroup(kind, m * thresholdRate(s, kind), 2 * thresholdCount(s, kind), instances,
                        tag(m)));
            }
        }
        return groups;
    }

    /** The detector's threshold as a rate, in the kind's unit per second. */
    public static double thresholdRate(DetectSettings s, AttackKind kind) {
        return switch (kind) {
            case SYN_FLOOD -> s.floodRatePerSecond();
            case VERTICAL_SCAN, HORIZONTAL_SCAN -> thresholdCount(s, kind) * 1000.0 / s.scanWindow().toMillis();
            case P2P_HOST, P2P_TCP_HOST -> thresholdCount(s, kind) * 1000.0 / s.p2pWindow().toMillis();
            case FAN_OUT -> thresholdCount(s, kind) * 1000.0 / s.fanOutWindow().toMillis();
        };
    }

    static int thresholdCount(DetectSettings s, AttackKind kind) {
        return switch (kind) {
            case SYN_FLOOD -> s.floodMinAttempts();
            case VERTICAL_SCAN -> s.scanPorts();
            case HORIZONTAL_SCAN -> s.scanHosts();
            case P2P_HOST -> s.p2pMinTcpUdpPeers();
            case P2P_TCP_HOST -> s.p2pMinPeers();
            case FAN_OUT -> s.fanOutPeers();
        };
    }

    /** Each detector's window: how late after an attack's end an alert still counts, and the delay goal. */
    public static Map<String, Long> windowsMs(DetectSettings s) {
        return Map.of("port_scan", s.scanWindow().toMillis(), "syn_flood", s.floodWindow().toMillis(),
                "p2p", s.p2pWindow().toMillis(), "fan_out", s.fanOutWindow().toMillis(), "trw_scan", s.trw().window().toMillis());
    }

    /** 0.5x, 1x, 4x. */
    static String tag(double multiple) {
        return (multiple == Math.rint(multiple) ? Long.toString((long) multiple) : Double.toString(multiple)) + "x";
    }
}
