package io.tapflow.jobs.detect;

import io.tapflow.jobs.operator.BinaryKey;
import io.tapflow.schema.FlowRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.java.functions.KeySelector;

/** The detectors' subjects as keys: the link id (the same address on two links is two hosts), then the address. */
final class DetectKeys {
    /** The scanner: link and source address. */
    static final KeySelector<FlowRecord, BinaryKey> SOURCE = r -> of(r.getLinkId(), r.getSrcAddr().bytes(), -1);
    /** The victim: link, destination address and port. */
    static final KeySelector<FlowRecord, BinaryKey> VICTIM =
            r -> of(r.getLinkId(), r.getDstAddr().bytes(), r.getDstPort());

    private DetectKeys() {
    }

    static BinaryKey of(String linkId, byte[] addr, int port) {
        byte[] link = linkId.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[link.length + 16 + (port < 0 ? 0 : 2)];
        System.arraycopy(link, 0, key, 0, link.length);
        System.arraycopy(addr, 0, key, link.length, 16);
        if (port >= 0) {
            key[key.length - 2] = (byte) (port >>> 8);
            key[key.length - 1] = (byte) port;
        }
        return new BinaryKey(key);
    }
}
