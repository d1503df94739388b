package io.tapflow.jobs.cli;

import io.tapflow.jobs.dpi.RuleSet;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The DPI rule options shared by {@code aggregate} and {@code replay}, as {@code classify} spells them. */
final class DpiOptions {
    @Option(names = "--signatures", paramLabel = "PATH", description = "DPI rules: a directory with host-rules*.txt"
            + " and/or protocols*.txt (a missing one is the bundled one), or one such file (named protocols* for a"
            + " protocol catalog, else host rules). Read at start and shipped with the job.")
    Path signatures;

    @Option(names = "--host-rules", paramLabel = "FILE",
            description = "Host/SNI rules instead of the bundled ones (format: schemas/.../dpi/host-rules.v1.txt).")
    Path hostRules;

    @Option(names = "--protocols", paramLabel = "FILE",
            description = "Protocol catalog instead of the bundled one (format: schemas/.../dpi/protocols.v1.txt).")
    Path protocols;

    @Option(names = "--no-port-guess", description = "Leave flows without payload evidence Unknown instead of guessing from the server port.")
    boolean noPortGuess;

    /**
     * The rule set these options name.
     *
     * @throws IllegalArgumentException a file is missing or malformed, or --signatures is given with a rule file
     */
    RuleSet rules() {
        if (signatures != null && (hostRules != null || protocols != null)) {
            throw new IllegalArgumentException("--signatures cannot be combined with --host-rules or --protocols");
        }
        return signatures != null ? RuleSet.fromSignatures(signatures, !noPortGuess)
                : RuleSet.of(hostRules, protocols, !noPortGuess);
    }
}
