package io.tapflow.jobs.cli;

/** "1 statement", "2 statements". */
final class Plural {
    private Plural() {
    }

    static String of(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
