package io.tapflow.schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The earlier versions of a record's schema, kept in resources {@code history/<Record>.list} and the files it names.
 * Single-object encoding names the writer schema by fingerprint only, so a reader must know every schema that was
 * ever written to a topic: a record written by an older agent then decodes with the new fields' defaults.
 */
final class SchemaHistory {
    private SchemaHistory() {
    }

    static List<Schema> of(Class<?> type) {
        String base = "/io/tapflow/schema/history/";
        try (InputStream list = SchemaHistory.class.getResourceAsStream(base + type.getSimpleName() + ".list")) {
            if (list == null) {
                return List.of();
            }
            List<Schema> schemas = new ArrayList<>();
            for (String line : new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8)).lines().toList()) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try (InputStream in = SchemaHistory.class.getResourceAsStream(base + name)) {
                    if (in == null) {
                        throw new IllegalStateException("schema history names " + name + ", which is missing");
                    }
                    schemas.add(new Schema.Parser().parse(in));
                }
            }
            return schemas;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the schema history of " + type.getSimpleName(), e);
        }
    }
}
