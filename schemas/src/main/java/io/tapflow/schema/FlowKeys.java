package io.tapflow.schema;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The Kafka key of a flow's records and samples: the flow's endpoints in canonical order (lower address/port
 * first), so both directions and every record and sample of one flow land in one partition.
 * Layout (38 bytes): lower addr 16 | upper addr 16 | lower port 2 | upper port 2 | l4 proto 1 | ip version 1.
 */
public final class FlowKeys {
    public static final int LENGTH = 38;

    private FlowKeys() {
    }

    public static byte[] of(FlowRecord r) {
        return of(r.getSrcAddr().bytes(), r.getSrcPort(), r.getDstAddr().bytes(), r.getDstPort(), r.getL4Proto(), r.getIpVersion());
    }

    public static byte[] of(PayloadSample s) {
        return of(s.getSrcAddr().bytes(), s.getSrcPort(), s.getDstAddr().bytes(), s.getDstPort(), s.getL4Proto(), s.getIpVersion());
    }

    public static byte[] of(byte[] addrA, int portA, byte[] addrB, int portB, int l4Proto, int ipVersion) {
        int c = Arrays.compareUnsigned(addrA, addrB);
        boolean aFirst = c < 0 || (c == 0 && portA <= portB);
        ByteBuffer key = ByteBuffer.allocate(LENGTH);
        key.put(aFirst ? addrA : addrB).put(aFirst ? addrB : addrA)
                .putShort((short) (aFirst ? portA : portB)).putShort((short) (aFirst ? portB : portA))
                .put((byte) l4Proto).put((byte) ipVersion);
        return key.array();
    }
}
