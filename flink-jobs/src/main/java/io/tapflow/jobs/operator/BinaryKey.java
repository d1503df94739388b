package io.tapflow.jobs.operator;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A keyBy key made of bytes (see {@link AggregateKeys}): value equality and a deterministic hash, which a bare
 * {@code byte[]} lacks, and a serializer that writes a length and the bytes in one call. Keys are serialized for
 * every record crossing a keyed exchange and for every key and timer in every checkpoint, so this matters: the
 * String keys used before went through Flink's char-by-char StringSerializer, and full heap snapshots of the 1-hour
 * windows' keys and timers took most of the job's CPU at a few hundred thousand flows per second.
 *
 * <p>Immutable: the bytes are never changed after construction.
 */
@TypeInfo(BinaryKey.Factory.class)
public final class BinaryKey implements Comparable<BinaryKey> {
    private final byte[] bytes;
    private final int hash;

    public BinaryKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** The key's bytes; callers must not change them. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(BinaryKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    public static final TypeInformation<BinaryKey> TYPE = new Info();

    /** Lets Flink's type extraction find {@link #TYPE} for POJO fields of this type. */
    public static final class Factory extends TypeInfoFactory<BinaryKey> {
        @Override
        public TypeInformation<BinaryKey> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }

    private static final class Info extends TypeInformation<BinaryKey> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<BinaryKey> getTypeClass() {
            return BinaryKey.class;
        }

        @Override
        public boolean isKeyType() {
            return true;
        }

        @Override
        public TypeSerializer<BinaryKey> createSerializer(SerializerConfig config) {
            return Serializer.INSTANCE;
        }

        @Override
        public String toString() {
            return "BinaryKey";
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof Info;
        }

        @Override
        public int hashCode() {
            return Info.class.hashCode();
        }

        @Override
        public boolean canEqual(Object obj) {
            return obj instanceof Info;
        }
    }

    /** Length (int) then the bytes. */
    public static final class Serializer extends TypeSerializerSingleton<BinaryKey> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();
        private static final BinaryKey EMPTY = new BinaryKey(new byte[0]);

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public BinaryKey createInstance() {
            return EMPTY;
        }

        @Override
        public BinaryKey copy(BinaryKey from) {
            return from;
        }

        @Override
        public BinaryKey copy(BinaryKey from, BinaryKey reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(BinaryKey record, DataOutputView target) throws IOException {
            target.writeInt(record.bytes.length);
            target.write(record.bytes);
        }

        @Override
        public BinaryKey deserialize(DataInputView source) throws IOException {
            int length = source.readInt();
            if (length < 0 || length > 1 << 16) {
                throw new IOException("corrupt BinaryKey: length " + length);
            }
            byte[] b = new byte[length];
            source.readFully(b);
            return new BinaryKey(b);
        }

        @Override
        public BinaryKey deserialize(BinaryKey reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            int length = source.readInt();
            target.writeInt(length);
            target.write(source, length);
        }

        @Override
        public TypeSerializerSnapshot<BinaryKey> snapshotConfiguration() {
            return new SerializerSnapshot();
        }
    }

    /** Checkpoint format of the serializer: version 1 of {@link SimpleTypeSerializerSnapshot}. */
    public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<BinaryKey> {
        public SerializerSnapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
