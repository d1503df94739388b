package io.tapflow.jobs.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loads the ordered migration files named in {@code migrations.txt} from the classpath (module schemas). */
public final class Migrations {
    /** Where TapFlow's ClickHouse DDL lives. */
    public static final String TAPFLOW = "/io/tapflow/schema/clickhouse/";

    private Migrations() {
    }

    public static List<Migration> tapflow() {
        return fromClasspath(TAPFLOW);
    }

    /**
     * @param base a classpath directory holding {@code migrations.txt} (one file name a line, {@code #} comments) and
     *             the files it names
     */
    public static List<Migration> fromClasspath(String base) {
        List<Migration> out = new ArrayList<>();
        for (String line : read(base + "migrations.txt").split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            Migration m = Migration.of(name, read(base + name));
            if (!out.isEmpty() && m.version() <= out.getLast().version()) {
                throw new IllegalStateException(base + "migrations.txt lists " + name + " after " + out.getLast().name()
                        + ": versions must increase");
            }
            out.add(m);
        }
        return List.copyOf(out);
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource + " not found (is tapflow-schemas on the classpath?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
