package io.tapflow.agent.source;

/** A capture file that is corrupt or truncated; the message names the file and the byte offset. */
public final class CaptureFormatException extends RuntimeException {
    public CaptureFormatException(String message) {
        super(message);
    }

    public CaptureFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
