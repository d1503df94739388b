package io.tapflow.classifier.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The line format every rule file shares: '#' starts a comment, blank lines are skipped, fields split on blanks. */
public final class RuleFileLines {
    /** One rule line; errors name the file and line number (rules are configuration, so a bad one stops loading). */
    public interface LineHandler {
        void line(int number, String text, String[] fields);
    }

    private RuleFileLines() {
    }

    public static void read(InputStream in, String name, String what, LineHandler handler) {
        if (in == null) {
            throw new IllegalArgumentException(what + " not found: " + name);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                int hash = line.indexOf('#');
                String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!text.isEmpty()) {
                    handler.line(n, text, text.split("\\s+"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }
}
