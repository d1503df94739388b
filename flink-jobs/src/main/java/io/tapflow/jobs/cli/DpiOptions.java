package io.tapflow.jobs.cli;

import io.tapflow.jobs.dpi.DpiSettings;
import io.tapflow.jobs.dpi.RuleSet;
import io.tapflow.schema.Topics;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The DPI options shared by {@code aggregate} and {@code replay}: topics, and rules as {@code classify} spells them. */
final class DpiOptions {
    @Option(names = "--payload-topic", defaultValue = Topics.PAYLOAD, paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String payloadTopic;

    @Option(names = "--verdicts-topic", defaultValue = Topics.VERDICTS, paramLabel = "TOPIC", description = "Default: ${DEFAULT-VALUE}.")
    String verdictsTopic;

    @Option(names = "--rules", paramLabel = "DIR", description = "A directory of DPI rule files: host-rules*.txt,"
            + " protocols*.txt and/or signatures*.txt (a missing one is the bundled one). Rule files are read at start"
            + " and shipped with the job.")
    Path rules;

    @Option(names = "--signatures", paramLabel = "FILE", description = "Payload signatures instead of the bundled"
            + " ones (format: schemas/.../dpi/signatures.v1.txt), as the agent's --signatures. With it the job scans"
            + " the samples itself rather than trusting the ids the agents put on them.")
    Path signatures;

    @Option(names = "--host-rules", paramLabel = "FILE",
            description = "Host/SNI rules instead of the bundled ones (format: schemas/.../dpi/host-rules.v1.txt).")
    Path hostRules;

    @Option(names = "--protocols", paramLabel = "FILE",
            description = "Protocol catalog instead of the bundled one (format: schemas/.../dpi/protocols.v1.txt).")
    Path protocols;

    @Option(names = "--no-port-guess", description = "Leave flows without payload evidence Unknown instead of guessing from the server port.")
    boolean noPortGuess;

    /** Live DPI settings with these topics and rules. */
    DpiSettings settings() {
        return DpiSettings.live(rules()).withTopics(payloadTopic, verdictsTopic);
    }

    /**
     * The rule set these options name.
     *
     * @throws IllegalArgumentException a file is missing or malformed, or --rules is given with a rule file
     */
    RuleSet rules() {
        if (rules != null && (hostRules != null || protocols != null || signatures != null)) {
            throw new IllegalArgumentException("--rules cannot be combined with --host-rules, --protocols or --signatures");
        }
        return rules != null ? RuleSet.fromDirectory(rules, !noPortGuess)
                : RuleSet.of(hostRules, protocols, signatures, !noPortGuess);
    }
}
