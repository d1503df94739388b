package io.tapflow.agent.source.live;

/**
 * A live source cannot start: no such interface, missing privileges, a ring the kernel will not allocate, a filter
 * that does not compile. The message is for the operator as is: it names the interface, the capability or the size.
 */
public final class LiveCaptureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LiveCaptureException(String message) {
        super(message);
    }

    public LiveCaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
