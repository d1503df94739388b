package io.tapflow.jobs.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class BinaryKeyTest {
    @Test
    void roundTripsThroughItsSerializerWithValueEquality() throws Exception {
        BinaryKey key = AggregateKeys.hostKey(AggregateKeys.linkKey("link-é"), new byte[] {0, 1, (byte) 0xFF, 127, (byte) 0x80, 0, 0, 0, 0, 0,
            (byte) 0xFF, (byte) 0xFF, 10, 0, 0, 1});
        DataOutputSerializer out = new DataOutputSerializer(64);
        BinaryKey.Serializer.INSTANCE.serialize(key, out);
        BinaryKey.Serializer.INSTANCE.serialize(new BinaryKey(new byte[0]), out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        BinaryKey back = BinaryKey.Serializer.INSTANCE.deserialize(in);
        assertThat(back).isEqualTo(key).hasSameHashCodeAs(key).isNotSameAs(key);
        assertThat(BinaryKey.Serializer.INSTANCE.deserialize(in).bytes()).isEmpty();
        assertThat(AggregateKeys.decodeHostKey(back, new HostTotal()).linkId).isEqualTo("link-é");
    }

    @Test
    void aFlowKeyDecodesBackIntoItsColumns() {
        byte[] src = new byte[16];
        byte[] dst = new byte[16];
        src[15] = 1;
        dst[0] = (byte) 0xFE;
        BinaryKey link = AggregateKeys.linkKey("wan-ü");
        FlowAggregateRow row = AggregateKeys.decodeFlowKey(AggregateKeys.flowKey(link, 17, "DNS", 53_000, src, dst),
                new FlowAggregateRow());
        assertThat(row.linkId).isEqualTo("wan-ü");
        assertThat(row.l4Proto).isEqualTo(17);
        assertThat(row.app).isEqualTo("DNS");
        assertThat(row.servicePort).isEqualTo(53_000);
        assertThat(row.srcAddr).isEqualTo(src);
        assertThat(row.dstAddr).isEqualTo(dst);
        assertThat(AggregateKeys.decodeLinkKey(link)).isEqualTo("wan-ü");
        assertThat(AggregateKeys.decodeFlowKey(AggregateKeys.flowKey(link, 6, "", 0, src, dst), new FlowAggregateRow()).app)
                .isEmpty();
    }

    @Test
    void aPartialsKeyFieldUsesTheBinaryKeyTypeNotAGenericOne() {
        TypeInformation<Partial> info = TypeExtractor.getForClass(Partial.class);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<Partial> pojo = (PojoTypeInfo<Partial>) info;
        assertThat(pojo.getTypeAt(pojo.getFieldIndex("key"))).isSameAs(BinaryKey.TYPE);
        assertThat(BinaryKey.TYPE.createSerializer(new SerializerConfigImpl())).isSameAs(BinaryKey.Serializer.INSTANCE);
        assertThat(BinaryKey.TYPE.isKeyType()).isTrue();
    }
}
