package io.tapflow.agent.bench.attack;

import java.util.Locale;

/**
 * The ground truth of one injected attack instance: which detector should report which subject, and when the attack
 * ran (its first and last packet, ms since the epoch).
 *
 * @param subject as the detector's alert writes it: the address, or address:port for a SYN flood's victim
 * @param rate    the instance's rate in its kind's unit ({@link AttackKind#unit()})
 * @param kind    {@link AttackKind#label()}
 * @param group   the {@link AttackGroup#tag()} it belongs to
 */
public record Label(String detector, String subject, long startMs, long endMs, double rate, String kind, String group) {

    /** One JSON object on one line: detector, subject, start_ms, end_ms, rate, kind, group. */
    public String json() {
        return String.format(Locale.ROOT,
                "{\"detector\":\"%s\",\"subject\":\"%s\",\"start_ms\":%d,\"end_ms\":%d,\"rate\":%s,\"kind\":\"%s\",\"group\":\"%s\"}",
                detector, subject, startMs, endMs, rateText(rate), kind, group);
    }

    static String rateText(double rate) {
        return rate == Math.rint(rate) && rate < 1e15 ? Long.toString((long) rate) : Double.toString(rate);
    }
}
