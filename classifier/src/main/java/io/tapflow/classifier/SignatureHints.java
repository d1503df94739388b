package io.tapflow.classifier;

import io.tapflow.classifier.dissect.Dissector;
import io.tapflow.classifier.match.Signature;
import io.tapflow.classifier.match.SignatureSet;

/**
 * What a matched signature id tells the classifier: the protocol it indicates, how long (how specific) the
 * signature is, and which dissectors may recognise that protocol. Immutable, shared by the engine's classifiers.
 */
final class SignatureHints {
    private final SignatureSet set;
    /** Index = signature id. */
    private final long[] dissectors;
    private final String[] protocols;
    private final int[] lengths;

    SignatureHints(SignatureSet set, Dissector[] ds) {
        this.set = set;
        int size = set == null ? 1 : set.maxId() + 1;
        dissectors = new long[size];
        protocols = new String[size];
        lengths = new int[size];
        if (set != null) {
            for (Signature s : set.signatures()) {
                protocols[s.id()] = s.protocol();
                lengths[s.id()] = s.length();
                for (int i = 0; i < ds.length; i++) {
                    if (ds[i].recognises(s.protocol())) {
                        dissectors[s.id()] |= 1L << i;
                    }
                }
            }
        }
    }

    SignatureSet set() {
        return set;
    }

    boolean known(int id) {
        return id > 0 && id < protocols.length && protocols[id] != null;
    }

    long dissectors(int id) {
        return dissectors[id];
    }

    String protocol(int id) {
        return protocols[id];
    }

    int length(int id) {
        return lengths[id];
    }
}
