package io.tapflow.agent.testing;

import io.tapflow.agent.bench.VethLink;
import java.io.IOException;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@link VethLink} whose capturing end lives in a network namespace of its own, where the agent runs. Tests are
 * skipped, with the reason, only where the kernel (or the user's privileges) forbids namespaces or veth pairs.
 */
public final class VethPair {
    private VethPair() {
    }

    public static VethLink create() throws IOException, InterruptedException {
        return create(true);
    }

    /** A veth pair with both ends in this namespace: for agents running inside the test's JVM. */
    public static VethLink createInThisNamespace() throws IOException, InterruptedException {
        return create(false);
    }

    private static VethLink create(boolean captureInNamespace) throws IOException, InterruptedException {
        try {
            return VethLink.create(captureInNamespace);
        } catch (VethLink.Unsupported e) {
            Assumptions.abort(e.getMessage());
            throw e; // not reached
        }
    }
}
