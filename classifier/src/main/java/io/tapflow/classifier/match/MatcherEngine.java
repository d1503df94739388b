package io.tapflow.classifier.match;

import java.util.Locale;
import java.util.function.Consumer;

/** The pattern engines, by their configuration names ({@code pattern.engine}, {@code --matcher}). */
public enum MatcherEngine {
    /** No pattern matching: samples carry no signature ids. */
    NONE("none"),
    /** Pure Java, always available. */
    AHO_CORASICK("aho-corasick"),
    /** Intel Hyperscan through its bundled JavaCPP natives (x86_64 with SSSE3). */
    HYPERSCAN("hyperscan");

    private final String configName;

    MatcherEngine(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static MatcherEngine parse(String name) {
        for (MatcherEngine e : values()) {
            if (e.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("pattern engine must be none, aho-corasick or hyperscan: " + name);
    }

    /**
     * Compiles {@code set} for this engine.
     *
     * @throws IllegalStateException for {@link #NONE}, or when Hyperscan's native library does not load here
     */
    public PatternMatcher compile(SignatureSet set) {
        return switch (this) {
            case NONE -> throw new IllegalStateException("engine 'none' compiles nothing");
            case AHO_CORASICK -> new AhoCorasickMatcher(set);
            case HYPERSCAN -> HyperscanSupport.compile(set);
        };
    }

    /**
     * What an agent or classifier runs with: null for {@link #NONE}; for {@link #HYPERSCAN} when its native library
     * cannot load, the Aho–Corasick engine, after telling {@code warnings} why and that it fell back.
     */
    public PatternMatcher open(SignatureSet set, Consumer<String> warnings) {
        if (this == NONE) {
            return null;
        }
        if (this == HYPERSCAN) {
            String problem = HyperscanSupport.unavailableReason();
            if (problem != null) {
                warnings.accept("pattern engine hyperscan unavailable (" + problem + "); falling back to aho-corasick");
                return AHO_CORASICK.compile(set);
            }
        }
        return compile(set);
    }
}
