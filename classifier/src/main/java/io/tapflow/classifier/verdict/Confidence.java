package io.tapflow.classifier.verdict;

/** How a verdict was reached, strongest first. */
public enum Confidence {
    /** A dissector recognised the protocol's structure in the payload. */
    DPI,
    /** The protocol was recognised and a host/SNI rule named the application. */
    HOST_RULE,
    /**
     * No dissector recognised the payload, but a payload signature of the pattern matcher (signatures.v1.txt) named
     * the protocol: a literal at a fixed place, weaker than parsed structure, stronger than a port.
     */
    SIGNATURE,
    /** No payload told anything; the server port is the protocol's registered one. */
    PORT_GUESS,
    /** Nothing matched: the flow stays Unknown. */
    NONE
}
