package io.tapflow.classifier.dissect;

/**
 * One protocol's parser. It reads the packet (for TCP: the direction's stream so far, from its first byte), never
 * throws on bad input, and answers {@link #NO_MATCH} (drop me for this flow), {@link #NEED_MORE} (maybe, show me the
 * next packet) or {@link #MATCH} (the protocol is recognised; what it found is in {@link Findings}).
 * Instances are stateless and confined to one thread; per-flow state lives in {@link Findings}.
 */
public interface Dissector {
    int NO_MATCH = 0;
    int NEED_MORE = 1;
    int MATCH = 2;

    /** Short name for tables and tests, e.g. "TLS". */
    String name();

    /** Whether this dissector may apply to the L4 protocol (6 TCP, 17 UDP) at all. */
    default boolean handles(int l4proto) {
        return l4proto == 6 || l4proto == 17; // TCP and UDP; dissectors of one transport say so
    }

    int inspect(Packet p, Findings f);

    /** Whether this dissector may name {@code protocol} (a signature's protocol asks it first). */
    default boolean recognises(String protocol) {
        return name().equals(protocol);
    }
}
