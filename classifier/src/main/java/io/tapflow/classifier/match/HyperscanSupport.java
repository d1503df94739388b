package io.tapflow.classifier.match;

/**
 * Loads Hyperscan on first use and says why it cannot, instead of failing with a linkage error deep in a scan.
 * Kept apart from {@link HyperscanMatcher} so that the pure-Java engine never touches the optional jar.
 */
final class HyperscanSupport {
    private static volatile String unavailable;
    private static volatile boolean probed;

    private HyperscanSupport() {
    }

    /** Null when Hyperscan works here, else the reason (missing jar, native library that does not load, CPU). */
    static synchronized String unavailableReason() {
        if (!probed) {
            try {
                unavailable = HyperscanMatcher.probe();
            } catch (LinkageError | RuntimeException e) {
                unavailable = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            probed = true;
        }
        return unavailable;
    }

    static PatternMatcher compile(SignatureSet set) {
        String problem = unavailableReason();
        if (problem != null) {
            throw new IllegalStateException("Hyperscan is not available: " + problem);
        }
        return new HyperscanMatcher(set);
    }
}
