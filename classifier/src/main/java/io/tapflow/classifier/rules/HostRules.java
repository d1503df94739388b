package io.tapflow.classifier.rules;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Host name → application rules, matched on whole labels from the right: the rule {@code facebook.com} matches
 * {@code facebook.com} and {@code www.facebook.com}, never {@code notfacebook.com}. The longest matching suffix wins.
 * File format (see host-rules.v1.txt): one rule per line, {@code suffix  app  category}, '#' starts a comment.
 */
public final class HostRules {
    public record Rule(String suffix, String app, String category) {
    }

    public static final String DEFAULT_RESOURCE = "io/tapflow/schema/dpi/host-rules.v1.txt";
    private final Map<String, Rule> bySuffix;

    private HostRules(Map<String, Rule> bySuffix) {
        this.bySuffix = bySuffix;
    }

    public static HostRules defaults() {
        return load(HostRules.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE), DEFAULT_RESOURCE);
    }

    /** Parses a rule file; a malformed line throws naming its number (rules are configuration, not traffic). */
    public static HostRules load(InputStream in, String name) {
        Map<String, Rule> rules = new HashMap<>();
        RuleFileLines.read(in, name, "host rules", (n, text, f) -> {
            if (f.length != 3) {
                throw new IllegalArgumentException(name + " line " + n + ": expected 'suffix app category', got: " + text);
            }
            String suffix = f[0].toLowerCase(Locale.ROOT);
            if (suffix.startsWith("*.")) {
                suffix = suffix.substring(2);
            }
            rules.put(suffix, new Rule(suffix, f[1], f[2]));
        });
        return new HostRules(Map.copyOf(rules));
    }

    /** The rule of the longest suffix of {@code host} on a label boundary, or null. */
    public Rule match(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        int from = 0;
        while (from >= 0 && from < h.length()) {
            Rule rule = bySuffix.get(from == 0 ? h : h.substring(from));
            if (rule != null) {
                return rule;
            }
            int dot = h.indexOf('.', from);
            from = dot < 0 ? -1 : dot + 1;
        }
        return null;
    }

    public int size() {
        return bySuffix.size();
    }
}
