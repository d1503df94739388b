package io.tapflow.jobs.source;

/**
 * What a Kafka source hands on: the decoded record, or the dead letter that says why there is none. Decoding in the
 * source (rather than after it) lets watermarks use the flow's own timestamp. Exactly one field is set.
 */
public class Envelope<T> {
    public T record;
    public DeadLetter deadLetter;

    public Envelope() {
    }

    public static <T> Envelope<T> of(T record) {
        Envelope<T> e = new Envelope<>();
        e.record = record;
        return e;
    }

    public static <T> Envelope<T> dead(DeadLetter letter) {
        Envelope<T> e = new Envelope<>();
        e.deadLetter = letter;
        return e;
    }
}
