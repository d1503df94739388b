package io.tapflow.classifier.verdict;

/**
 * What a flow is, in nDPI's two-part naming: {@code master} is the carrying protocol when {@code app} is an
 * application on top of it (master TLS, app Facebook), else empty (app TLS). Empty strings, never null. {@code dns}
 * is the first DNS exchange's query type and response code when the DNS dissector recognised the flow, else
 * {@link DnsSummary#NONE}.
 */
public record Verdict(String app, String master, String category, String serverName, String ja3, String ja4,
                      Confidence confidence, DnsSummary dns) {
    public static final String UNKNOWN = "Unknown";
    public static final Verdict NONE = new Verdict(UNKNOWN, "", "", "", "", "", Confidence.NONE);

    /** A verdict of a flow that is not DNS. */
    public Verdict(String app, String master, String category, String serverName, String ja3, String ja4,
                   Confidence confidence) {
        this(app, master, category, serverName, ja3, ja4, confidence, DnsSummary.NONE);
    }

    public Verdict {
        dns = dns == null ? DnsSummary.NONE : dns;
        app = app == null || app.isEmpty() ? UNKNOWN : app;
        master = master == null ? "" : master;
        category = category == null ? "" : category;
        serverName = serverName == null ? "" : serverName;
        ja3 = ja3 == null ? "" : ja3;
        ja4 = ja4 == null ? "" : ja4;
    }

    public boolean known() {
        return !UNKNOWN.equals(app);
    }

    /** nDPI's label: {@code master.app} or {@code app}. */
    public String label() {
        return master.isEmpty() ? app : master + "." + app;
    }
}
