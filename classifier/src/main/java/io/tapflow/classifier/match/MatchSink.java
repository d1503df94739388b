package io.tapflow.classifier.match;

/** Receives the matches of one scan, in no particular order across signatures. */
@FunctionalInterface
public interface MatchSink {
    /**
     * @param signatureId the {@link Signature#id()} that matched
     * @param position where the match starts, relative to the scanned range's first byte
     */
    void match(int signatureId, int position);
}
