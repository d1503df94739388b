package io.tapflow.classifier.match;

/** One thread's scratch space for a {@link PatternMatcher}; not thread-safe, allocates nothing per scan. */
public interface PatternScanner extends AutoCloseable {
    /**
     * Reports every (signature id, start position) of the signatures that apply to {@code l4proto} (6 TCP, 17 UDP,
     * anything else: the "any" ones) in {@code buf[off, off + len)}; positions are relative to {@code off}.
     */
    void scan(byte[] buf, int off, int len, int l4proto, MatchSink sink);

    @Override
    default void close() {
    }
}
