package io.tapflow.classifier.match;

/**
 * A signature set compiled once for one engine. Thread rules: the matcher (the compiled automaton or database) is
 * immutable and shared by all threads; each thread scans through its own {@link PatternScanner} from
 * {@link #newScanner()} (the scratch space), which allocates nothing per scan and must not be shared.
 *
 * <pre>
 * try (PatternMatcher m = MatcherEngine.AHO_CORASICK.compile(SignatureSet.defaults())) {
 *     PatternScanner s = m.newScanner();            // one per thread
 *     s.scan(payload, 0, payload.length, 6, (id, pos) -&gt; ...);
 * }
 * </pre>
 */
public interface PatternMatcher extends AutoCloseable {
    SignatureSet signatures();

    MatcherEngine engine();

    /** Scratch space for one thread. */
    PatternScanner newScanner();

    /** Frees native memory (Hyperscan); scanners must not be used afterwards. */
    @Override
    void close();
}
