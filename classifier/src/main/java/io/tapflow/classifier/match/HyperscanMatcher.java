package io.tapflow.classifier.match;

import static com.gliwka.hyperscan.jni.hyperscan.HS_EXT_FLAG_MAX_OFFSET;
import static com.gliwka.hyperscan.jni.hyperscan.HS_EXT_FLAG_MIN_OFFSET;
import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_CASELESS;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_BLOCK;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_expr_ext_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hyperscan;
import com.gliwka.hyperscan.jni.match_event_handler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The accelerated engine: Hyperscan block-mode databases (one per transport, like {@link AhoCorasickMatcher}),
 * through the low-level JavaCPP binding of {@code com.gliwka.hyperscan}.
 *
 * <p>Each literal becomes an expression of its bytes (letters and digits as themselves, every other byte as
 * {@code \xHH}), {@code HS_FLAG_CASELESS} for {@code nocase}, and for a fixed offset an extended parameter pinning
 * the match's <em>end</em> ({@code min_offset = max_offset = offset + length}). A literal's start is its end minus
 * its length, so {@code HS_FLAG_SOM_LEFTMOST} (which costs Hyperscan speed and stream state) is not needed.
 *
 * <p>Why not the wrapper's {@code Scanner.scan(Database, String)}: it takes a String, encodes it, and returns a new
 * list of {@code Match} objects per call. A scanner here owns an {@code hs_scratch_t}, a native input buffer and a
 * match callback (a JavaCPP {@code FunctionPointer}, called with a null context so no Pointer object is made per
 * match): a scan of a byte array copies it into the buffer (one JNI copy) and calls {@code hs_scan}; a scan of native
 * memory ({@link PatternScanner#scanNative}: a mapped capture, a ring) aims a reusable pointer at it and copies
 * nothing. Nothing is allocated per scan.
 * JavaCPP allows 256 live callbacks per class: close scanners you no longer need.
 */
public final class HyperscanMatcher implements PatternMatcher {
    private final SignatureSet set;
    private final Database tcp;
    private final Database udp;
    private final Database other;
    private final List<Scanner> scanners = new ArrayList<>();
    private boolean closed;

    HyperscanMatcher(SignatureSet set) {
        this.set = set;
        this.tcp = Database.compile(set, set.forTransport(6));
        this.udp = Database.compile(set, set.forTransport(17));
        this.other = Database.compile(set, set.forTransport(0));
    }

    /** Loads the native library: null if Hyperscan runs here, else why not. */
    static String probe() {
        String version = hyperscan.hs_version().getString();
        int platform = hyperscan.hs_valid_platform();
        if (platform != HS_SUCCESS) {
            return "Hyperscan " + version + " does not support this CPU (it needs SSSE3): hs_valid_platform = " + platform;
        }
        return null;
    }

    /** Hyperscan's version string; loads the native library. */
    public static String version() {
        return hyperscan.hs_version().getString();
    }

    @Override
    public SignatureSet signatures() {
        return set;
    }

    @Override
    public MatcherEngine engine() {
        return MatcherEngine.HYPERSCAN;
    }

    @Override
    public synchronized PatternScanner newScanner() {
        if (closed) {
            throw new IllegalStateException("matcher closed");
        }
        Scanner s = new Scanner();
        scanners.add(s);
        return s;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Scanner s : scanners) {
            s.free();
        }
        scanners.clear();
        for (Database d : new Database[] {tcp, udp, other}) {
            if (d != null) {
                hyperscan.hs_free_database(d.handle);
            }
        }
    }

    /** The expression Hyperscan compiles for a literal. */
    static String expression(byte[] literal) {
        StringBuilder b = new StringBuilder(literal.length * 4);
        for (byte x : literal) {
            int c = x & 0xFF;
            if ((c >= '0' && c <= '9') || Ascii.isLetter(c)) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    /** One compiled database; expression index = position in {@code ids}/{@code lengths}. */
    private record Database(hs_database_t handle, int[] ids, int[] lengths) {
        static Database compile(SignatureSet set, List<Signature> list) {
            if (list.isEmpty()) {
                return null;
            }
            int n = list.size();
            List<Pointer> keep = new ArrayList<>();
            try (PointerPointer<BytePointer> expressions = new PointerPointer<>(n);
                 IntPointer flags = new IntPointer(n);
                 IntPointer indexes = new IntPointer(n);
                 PointerPointer<hs_expr_ext_t> exts = new PointerPointer<>(n);
                 PointerPointer<hs_database_t> db = new PointerPointer<>(1);
                 PointerPointer<hs_compile_error_t> error = new PointerPointer<>(1)) {
                int[] ids = new int[n];
                int[] lengths = new int[n];
                for (int i = 0; i < n; i++) {
                    Signature s = list.get(i);
                    ids[i] = s.id();
                    lengths[i] = s.length();
                    BytePointer e = new BytePointer(expression(s.bytes()), StandardCharsets.US_ASCII);
                    keep.add(e);
                    expressions.put(i, e);
                    flags.put(i, s.nocase() ? HS_FLAG_CASELESS : 0);
                    indexes.put(i, i);
                    if (s.anchored()) {
                        hs_expr_ext_t ext = new hs_expr_ext_t();
                        keep.add(ext);
                        ext.flags(HS_EXT_FLAG_MIN_OFFSET | HS_EXT_FLAG_MAX_OFFSET);
                        ext.min_offset(s.offset() + s.length());
                        ext.max_offset(s.offset() + s.length());
                        exts.put(i, ext);
                    } else {
                        exts.put(i, (Pointer) null);
                    }
                }
                int rc = hyperscan.hs_compile_ext_multi(expressions, flags, indexes, exts, n, HS_MODE_BLOCK, null, db, error);
                if (rc != HS_SUCCESS) {
                    hs_compile_error_t err = error.get(hs_compile_error_t.class, 0);
                    String message = err.message() == null ? "error " + rc : err.message().getString();
                    int which = err.expression();
                    hyperscan.hs_free_compile_error(err);
                    throw new IllegalArgumentException(set.source() + ": Hyperscan cannot compile "
                            + (which >= 0 && which < n ? "signature " + list.get(which) : "the set") + ": " + message);
                }
                return new Database(db.get(hs_database_t.class, 0), ids, lengths);
            } finally {
                keep.forEach(Pointer::close);
            }
        }
    }

    /** One thread's scratch, input buffer and match callback. */
    private final class Scanner extends match_event_handler implements PatternScanner {
        private final hs_scratch_t scratch;
        private BytePointer input = new BytePointer(2048);
        /** Points at the caller's native memory for {@link #scanNative}; owns nothing. */
        private final NativeView view = new NativeView();
        private MatchSink sink;
        private int[] ids;
        private int[] lengths;
        private boolean freed;

        Scanner() {
            try (PointerPointer<hs_scratch_t> out = new PointerPointer<>(1)) {
                out.put(0, (Pointer) null); // NULL: allocate; then each database grows the same scratch
                for (Database d : new Database[] {tcp, udp, other}) {
                    if (d != null) {
                        check(hyperscan.hs_alloc_scratch(d.handle, out), "hs_alloc_scratch");
                    }
                }
                this.scratch = out.get(hs_scratch_t.class, 0);
            }
        }

        @Override
        public void scan(byte[] buf, int off, int len, int l4proto, MatchSink matches) {
            Objects.checkFromIndexSize(off, len, buf.length);
            Database d = l4proto == 6 ? tcp : l4proto == 17 ? udp : other;
            if (d == null || len == 0) {
                return;
            }
            if (freed) {
                throw new IllegalStateException("scanner closed");
            }
            if (len > input.capacity()) {
                input.close();
                input = new BytePointer(Math.max(len, 2 * input.capacity()));
            }
            input.put(buf, off, len);
            run(d, input, len, matches);
        }

        @Override
        public boolean scansNativeMemory() {
            return true;
        }

        @Override
        public void scanNative(long address, int len, int l4proto, MatchSink matches) {
            if (address == 0 || len < 0) {
                throw new IllegalArgumentException("bad native range: address " + address + ", length " + len);
            }
            Database d = l4proto == 6 ? tcp : l4proto == 17 ? udp : other;
            if (d == null || len == 0) {
                return;
            }
            if (freed) {
                throw new IllegalStateException("scanner closed");
            }
            run(d, view.at(address, len), len, matches);
        }

        private void run(Database d, BytePointer data, int len, MatchSink matches) {
            sink = matches;
            ids = d.ids;
            lengths = d.lengths;
            try {
                check(hyperscan.hs_scan(d.handle, data, len, 0, scratch, this, null), "hs_scan");
            } finally {
                sink = null;
            }
        }

        /** Hyperscan's match callback: id = expression index, to = end offset. 0 = go on scanning. */
        @Override
        public int call(int id, long from, long to, int flags, Pointer context) {
            sink.match(ids[id], (int) to - lengths[id]);
            return 0;
        }

        @Override
        public void close() {
            synchronized (HyperscanMatcher.this) {
                free();
                scanners.remove(this);
            }
        }

        void free() {
            if (!freed) {
                freed = true;
                if (scratch != null && !scratch.isNull()) {
                    hyperscan.hs_free_scratch(scratch);
                }
                input.close();
                super.close();
            }
        }
    }

    /** A BytePointer re-aimed at memory it does not own (JavaCPP reads {@code address} and {@code position}). */
    private static final class NativeView extends BytePointer {
        NativeView at(long at, long length) {
            address = at;
            position = 0;
            limit = length;
            capacity = length;
            return this;
        }
    }

    private static void check(int rc, String call) {
        if (rc != HS_SUCCESS) {
            throw new IllegalStateException(call + " failed with Hyperscan error " + rc);
        }
    }
}
