package io.tapflow.jobs.detect;

/**
 * Scores DNS query names for tunnelling: the registered domain (the part a tunnel's owner controls), and the length
 * and Shannon entropy of what is left of it, where a tunnel puts its data. Reuses one histogram: one instance per
 * operator (not thread-safe), no allocation per name except {@link #registeredDomain}'s substring.
 */
final class QueryNames {
    private final int[] histogram = new int[128];

    /**
     * Index in {@code name} where its registered domain starts: the last two labels, or three when the last two look
     * like a country's second level (co.uk, com.au: a two-letter top level under a label of at most three letters).
     * 0 when the name has no more labels than that.
     */
    static int registeredStart(String name) {
        int last = name.lastIndexOf('.');
        if (last <= 0) {
            return 0;
        }
        int second = name.lastIndexOf('.', last - 1);
        if (second < 0) {
            return 0;
        }
        boolean countrySecondLevel = name.length() - last - 1 == 2 && last - second - 1 <= 3;
        if (countrySecondLevel) {
            int third = name.lastIndexOf('.', second - 1);
            return third < 0 ? 0 : third + 1;
        }
        return second + 1;
    }

    static String registeredDomain(String name) {
        return name.substring(registeredStart(name));
    }

    /** Characters of the subdomain part (left of the registered domain), dots excluded. */
    static int subdomainLength(String name) {
        int end = registeredStart(name) - 1; // the dot before the registered domain
        int n = 0;
        for (int i = 0; i < end; i++) {
            if (name.charAt(i) != '.') {
                n++;
            }
        }
        return n;
    }

    /** Shannon entropy (bits per character) of the subdomain part, dots excluded; 0 when it is empty. */
    double subdomainEntropy(String name) {
        int end = registeredStart(name) - 1;
        int[] h = histogram;
        java.util.Arrays.fill(h, 0);
        int n = 0;
        for (int i = 0; i < end; i++) {
            char c = name.charAt(i);
            if (c != '.') {
                h[c & 0x7F]++;
                n++;
            }
        }
        if (n == 0) {
            return 0;
        }
        double bits = 0;
        for (int count : h) {
            if (count > 0) {
                double p = (double) count / n;
                bits -= p * Math.log(p);
            }
        }
        return bits / Math.log(2);
    }

    /**
     * Whether a name looks like tunnelled data: a long subdomain part of high entropy. Reverse-lookup names
     * ({@code .arpa}: 32 one-digit labels for IPv6) are never suspicious.
     */
    boolean suspicious(String name, DnsSettings s) {
        if (name.isEmpty() || name.endsWith(".arpa")) {
            return false;
        }
        return subdomainLength(name) >= s.tunnelMinLength() && subdomainEntropy(name) >= s.tunnelMinEntropy();
    }
}
