package io.tapflow.classifier.match;

/** ASCII case folding, the only folding both engines agree on (Hyperscan's caseless mode folds A-Z only too). */
final class Ascii {
    private static final byte[] FOLD = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            FOLD[b] = (byte) (b >= 'A' && b <= 'Z' ? b + 32 : b);
        }
    }

    private Ascii() {
    }

    static byte fold(byte b) {
        return FOLD[b & 0xFF];
    }

    static boolean isLetter(int b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
    }
}
