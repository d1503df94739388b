package io.tapflow.jobs.dpi;

import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.dissect.Dissectors;
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
 * The DPI rule files a job classifies with: host/SNI rules and the protocol catalog, either bundled or an operator's
 * files. Their bytes travel inside the job graph, so task managers need no copy of the files, and a restarted job
 * keeps the rules it was started with. Both are parsed here once, so a bad file fails at submission, not in a task.
 *
 * @param hostRulesName where the host rules came from (a path, or the bundled resource), for messages
 * @param version       first 16 hex digits of the SHA-256 of both files: which rules produced a verdict
 */
public record RuleSet(String hostRulesName, byte[] hostRules, String protocolsName, byte[] protocols,
                      boolean portGuess, String version) implements Serializable {

    /** The bundled rules, port guesses on: what {@code ./tapflow classify} uses by default. */
    public static RuleSet bundled() {
        return of(null, null, true);
    }

    /**
     * The given files, each null for the bundled one.
     *
     * @throws IllegalArgumentException a file is missing, unreadable or not in its format (the message names it)
     */
    public static RuleSet of(Path hostRulesFile, Path protocolsFile, boolean portGuess) {
        String hostName = hostRulesFile == null ? HostRules.DEFAULT_RESOURCE : hostRulesFile.toString();
        String protoName = protocolsFile == null ? ProtocolCatalog.DEFAULT_RESOURCE : protocolsFile.toString();
        byte[] hosts = read(hostRulesFile, HostRules.DEFAULT_RESOURCE);
        byte[] protos = read(protocolsFile, ProtocolCatalog.DEFAULT_RESOURCE);
        RuleSet rules = new RuleSet(hostName, hosts, protoName, protos, portGuess, version(hosts, protos, portGuess));
        rules.engine(); // parse now: a rule file error must surface at the command line
        return rules;
    }

    /**
     * {@code --signatures PATH}: a directory with {@code host-rules*.txt} and/or {@code protocols*.txt} (a missing one
     * is the bundled one), or one file, a protocol catalog if its name starts with "protocols", else host rules.
     */
    public static RuleSet fromSignatures(Path path, boolean portGuess) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no such rule file or directory: " + path);
        }
        if (!Files.isDirectory(path)) {
            boolean catalog = path.getFileName().toString().startsWith("protocols");
            return of(catalog ? null : path, catalog ? path : null, portGuess);
        }
        Path hosts = first(path, "host-rules");
        Path protos = first(path, "protocols");
        if (hosts == null && protos == null) {
            throw new IllegalArgumentException("no host-rules*.txt or protocols*.txt in " + path);
        }
        return of(hosts, protos, portGuess);
    }

    /** A new engine over these rules; one per subtask (engines are not thread-safe). */
    public ClassifierEngine engine() {
        return new ClassifierEngine(Dissectors.all(), HostRules.load(new ByteArrayInputStream(hostRules), hostRulesName),
                ProtocolCatalog.load(new ByteArrayInputStream(protocols), protocolsName), portGuess);
    }

    @Override
    public String toString() {
        return "rules " + version + " (" + hostRulesName + ", " + protocolsName + (portGuess ? "" : ", no port guess") + ")";
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

    private static String version(byte[] hosts, byte[] protos, boolean portGuess) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(hosts);
            sha.update((byte) 0);
            sha.update(protos);
            sha.update((byte) (portGuess ? 1 : 0));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
