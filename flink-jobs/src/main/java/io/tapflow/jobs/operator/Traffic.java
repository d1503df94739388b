package io.tapflow.jobs.operator;

/** Something that carries packets and bytes: what the windows sum. */
public interface Traffic {
    long packets();

    long bytes();
}
