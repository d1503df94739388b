package io.tapflow.jobs.dpi;

import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.dissect.Dissectors;
import io.tapflow.classifier.match.SignatureSet;
import io.tapflow.classifier.rules.HostRules;
import io.tapflow.classifier.rules.ProtocolCatalog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The DPI rule files a job classifies with: host/SNI rules, the protocol catalog and the payload signatures, each
 * bundled or an operator's file. Their bytes travel inside the job graph, so task managers need no copy of the files,
 * and a restarted job keeps the rules it was started with. All are parsed here once, so a bad file fails at
 * submission, not in a task.
 *
 * @param hostRulesName  where the host rules came from (a path, or the bundled resource), for messages
 * @param signaturesFile whether the signatures are an operator's file rather than the bundled set: their ids may then
 *                       differ from those the agents put on the samples, so the job scans the samples itself
 * @param version        first 16 hex digits of the SHA-256 of the three files: which rules produced a verdict
 */
public record RuleSet(String hostRulesName, byte[] hostRules, String protocolsName, byte[] protocols,
                      String signaturesName, byte[] signatures, boolean signaturesFile, boolean portGuess,
                      String version) implements Serializable {

    /** The bundled rules, port guesses on: what {@code ./tapflow classify} uses by default. */
    public static RuleSet bundled() {
        return of(null, null, null, true);
    }

    /**
     * The given files, each null for the bundled one.
     *
     * @throws IllegalArgumentException a file is missing, unreadable or not in its format (the message names it)
     */
    public static RuleSet of(Path hostRulesFile, Path protocolsFile, Path signaturesFile, boolean portGuess) {
        String hostName = hostRulesFile == null ? HostRules.DEFAULT_RESOURCE : hostRulesFile.toString();
        String protoName = protocolsFile == null ? ProtocolCatalog.DEFAULT_RESOURCE : protocolsFile.toString();
        String sigName = signaturesFile == null ? SignatureSet.DEFAULT_RESOURCE : signaturesFile.toString();
        byte[] hosts = read(hostRulesFile, HostRules.DEFAULT_RESOURCE);
        byte[] protos = read(protocolsFile, ProtocolCatalog.DEFAULT_RESOURCE);
        byte[] sigs = read(signaturesFile, SignatureSet.DEFAULT_RESOURCE);
        RuleSet rules = new RuleSet(hostName, hosts, protoName, protos, sigName, sigs, signaturesFile != null, portGuess,
                version(portGuess, hosts, protos, sigs));
        rules.engine(); // parse now: a rule file error must surface at the command line
        return rules;
    }

    /**
     * {@code --rules DIR}: the directory's {@code host-rules*.txt}, {@code protocols*.txt} and {@code signatures*.txt}
     * (a missing one is the bundled one; at least one must be there).
     */
    public static RuleSet fromDirectory(Path dir, boolean portGuess) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no such rules directory: " + dir);
        }
        Path hosts = first(dir, "host-rules");
        Path protos = first(dir, "protocols");
        Path sigs = first(dir, "signatures");
        if (hosts == null && protos == null && sigs == null) {
            throw new IllegalArgumentException("no host-rules*.txt, protocols*.txt or signatures*.txt in " + dir);
        }
        return of(hosts, protos, sigs, portGuess);
    }

    /** A new engine over these rules; one per subtask (engines are not thread-safe). */
    public ClassifierEngine engine() {
        return new ClassifierEngine(Dissectors.all(), HostRules.load(new ByteArrayInputStream(hostRules), hostRulesName),
                ProtocolCatalog.load(new ByteArrayInputStream(protocols), protocolsName), portGuess, signatureSet());
    }

    public SignatureSet signatureSet() {
        return SignatureSet.load(new ByteArrayInputStream(signatures), signaturesName);
    }

    @Override
    public String toString() {
        return "rules " + version + " (" + hostRulesName + ", " + protocolsName + ", " + signaturesName
                + (portGuess ? "" : ", no port guess") + ")";
    }

    private static Path first(Path dir, String prefix) {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".txt"))
                    .sorted().findFirst().orElse(null);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file, String resource) {
        if (file == null) {
            try (InputStream in = RuleSet.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("bundled rules missing from the classpath: " + resource);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such rule file: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read rule file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String version(boolean portGuess, byte[]... files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] f : files) {
                sha.update(f);
                sha.update((byte) 0);
            }
            sha.update((byte) (portGuess ? 1 : 0));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
