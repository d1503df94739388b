package io.tapflow.classifier;

import io.tapflow.classifier.dissect.Dissector;
import io.tapflow.classifier.dissect.Dissectors;
import io.tapflow.classifier.dissect.Packet;
import io.tapflow.classifier.match.SignatureSet;
import io.tapflow.classifier.rules.HostRules;
import io.tapflow.classifier.rules.ProtocolCatalog;
import java.util.List;

/**
 * The dissectors and rules one thread classifies with. Not thread-safe (dissectors keep cipher instances and a
 * reusable {@link Packet}): give each capture thread or Flink subtask its own; the rules may be shared.
 */
public final class ClassifierEngine {
    /** Payload packets per direction after which an undecided flow stops being inspected. */
    public static final int MAX_PACKETS_PER_DIRECTION = 12;
    /** TCP bytes per direction kept for reassembly (a ClientHello with post-quantum key shares is ~1.8 kB). */
    public static final int MAX_STREAM_BYTES = 4096;

    final Dissector[] dissectors;
    final HostRules hosts;
    final ProtocolCatalog catalog;
    final boolean portGuess;
    final Packet packet = new Packet();
    final EndpointApps callEndpoints = new EndpointApps();
    final SignatureHints signatures;

    public ClassifierEngine(List<Dissector> dissectors, HostRules hosts, ProtocolCatalog catalog, boolean portGuess) {
        this(dissectors, hosts, catalog, portGuess, null);
    }

    /**
     * @param signatures the set whose ids {@link Classifier#feed(int, byte[], int, int, int[], int)} receives (from
     *                   the pattern matcher that scanned the payloads), or null when no matcher runs
     */
    public ClassifierEngine(List<Dissector> dissectors, HostRules hosts, ProtocolCatalog catalog, boolean portGuess,
                            SignatureSet signatures) {
        if (dissectors.size() > 63) {
            throw new IllegalArgumentException("at most 63 dissectors (a flow's candidates are one long): " + dissectors.size());
        }
        this.dissectors = dissectors.toArray(Dissector[]::new);
        this.hosts = hosts;
        this.catalog = catalog;
        this.portGuess = portGuess;
        this.signatures = new SignatureHints(signatures, this.dissectors);
    }

    /** Every dissector, the bundled rules and signatures, port guesses on. */
    public static ClassifierEngine defaults() {
        return new ClassifierEngine(Dissectors.all(), HostRules.defaults(), ProtocolCatalog.defaults(), true,
                SignatureSet.defaults());
    }

    public Classifier newClassifier() {
        return new Classifier(this);
    }

    /** The signature set whose ids this engine understands, or null. */
    public SignatureSet signatures() {
        return signatures.set();
    }

    public List<Dissector> dissectors() {
        return List.of(dissectors);
    }
}
