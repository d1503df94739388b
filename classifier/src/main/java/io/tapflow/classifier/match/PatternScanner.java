package io.tapflow.classifier.match;

/** One thread's scratch space for a {@link PatternMatcher}; not thread-safe, allocates nothing per scan. */
public interface PatternScanner extends AutoCloseable {
    /**
     * Reports every (signature id, start position) of the signatures that apply to {@code l4proto} (6 TCP, 17 UDP,
     * anything else: the "any" ones) in {@code buf[off, off + len)}; positions are relative to {@code off}.
     */
    void scan(byte[] buf, int off, int len, int l4proto, MatchSink sink);

    /** Whether {@link #scanNative} works: the engine reads native memory itself (Hyperscan), so callers need not copy. */
    default boolean scansNativeMemory() {
        return false;
    }

    /**
     * {@link #scan} over {@code len} bytes of native memory at {@code address} (a mapped capture file, a capture
     * ring), which must stay valid during the call; positions are relative to {@code address}.
     *
     * @throws UnsupportedOperationException unless {@link #scansNativeMemory()}
     */
    default void scanNative(long address, int len, int l4proto, MatchSink sink) {
        throw new UnsupportedOperationException("this engine scans byte arrays only");
    }

    @Override
    default void close() {
    }
}
