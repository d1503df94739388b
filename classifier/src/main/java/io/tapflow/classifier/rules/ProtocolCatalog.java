package io.tapflow.classifier.rules;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Each protocol's category and its registered server ports (for a port guess when the payload tells nothing).
 * File format (see protocols.v1.txt): {@code Name  Category  [tcp:P,P-P]  [udp:P,...]  [tls:P,...]}, '#' starts a
 * comment; {@code tls:} names the protocol TLS carries on that port (IMAPS on 993).
 */
public final class ProtocolCatalog {
    public static final String DEFAULT_RESOURCE = "io/tapflow/schema/dpi/protocols.v1.txt";
    private final Map<String, String> categories;
    /** Index = port; value = protocol name or null. */
    private final String[] tcpPorts = new String[65536];
    private final String[] udpPorts = new String[65536];
    private final String[] tlsPorts = new String[65536];

    private ProtocolCatalog(Map<String, String> categories) {
        this.categories = categories;
    }

    public static ProtocolCatalog defaults() {
        return load(ProtocolCatalog.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE), DEFAULT_RESOURCE);
    }

    public static ProtocolCatalog load(InputStream in, String name) {
        ProtocolCatalog c = new ProtocolCatalog(new HashMap<>());
        RuleFileLines.read(in, name, "protocol catalog", (n, text, f) -> {
            if (f.length < 2) {
                throw new IllegalArgumentException(name + " line " + n + ": expected 'Name Category [tcp:..] [udp:..]': " + text);
            }
            c.categories.put(f[0], f[1]);
            for (int i = 2; i < f.length; i++) {
                String[] pv = f[i].split(":", 2);
                if (pv.length != 2 || !(pv[0].equals("tcp") || pv[0].equals("udp") || pv[0].equals("tls"))) {
                    throw new IllegalArgumentException(name + " line " + n + ": bad port list '" + f[i] + "'");
                }
                String[] table = pv[0].equals("tcp") ? c.tcpPorts : pv[0].equals("udp") ? c.udpPorts : c.tlsPorts;
                for (String range : pv[1].split(",")) {
                    String[] ab = range.split("-", 2);
                    int from = port(ab[0], name, n);
                    int to = ab.length == 2 ? port(ab[1], name, n) : from;
                    for (int p = from; p <= to; p++) {
                        if (table[p] == null) {
                            table[p] = f[0];
                        }
                    }
                }
            }
        });
        return c;
    }

    private static int port(String s, String name, int line) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " line " + line + ": bad port '" + s + "'");
        }
    }

    /** nDPI's category of a protocol or application, or "" if unknown. */
    public String category(String protocol) {
        return protocol == null ? "" : categories.getOrDefault(protocol, "");
    }

    /** The protocol TLS carries on {@code port} (IMAPS on 993), or null. */
    public String overTls(int port) {
        return port < 0 || port > 65535 ? null : tlsPorts[port];
    }

    /** The protocol registered on {@code port} for TCP (6) or UDP (17), or null. */
    public String byPort(int l4proto, int port) {
        if (port < 0 || port > 65535) {
            return null;
        }
        return l4proto == 6 ? tcpPorts[port] : l4proto == 17 ? udpPorts[port] : null;
    }
}
