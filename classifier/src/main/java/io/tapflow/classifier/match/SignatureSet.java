package io.tapflow.classifier.match;

import io.tapflow.classifier.rules.RuleFileLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A versioned signature file (format at the top of signatures.v1.txt), loaded once and shared by every thread:
 * <pre>
 *   id  protocol  tcp|udp|any  [offset=N|anywhere]  [nocase]  pattern
 * </pre>
 * The pattern is one field of printable ASCII with escapes {@code \xHH}, {@code \s} (space), {@code \t},
 * {@code \r}, {@code \n} and {@code \\}; '#' starts a comment, so write it {@code \x23}. Without a position the
 * pattern is anchored at offset 0. Errors name the file and the line.
 */
public final class SignatureSet {
    public static final String DEFAULT_RESOURCE = "io/tapflow/schema/dpi/signatures.v1.txt";
    private final String source;
    private final List<Signature> signatures;
    /** Index = signature id; value = protocol or null. */
    private final String[] protocolById;

    private SignatureSet(String source, List<Signature> signatures) {
        this.source = source;
        this.signatures = List.copyOf(signatures);
        int max = 0;
        for (Signature s : signatures) {
            max = Math.max(max, s.id());
        }
        this.protocolById = new String[max + 1];
        for (Signature s : signatures) {
            protocolById[s.id()] = s.protocol();
        }
    }

    public static SignatureSet defaults() {
        return load(SignatureSet.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE), DEFAULT_RESOURCE);
    }

    public static SignatureSet load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading signature file " + file, e);
        }
    }

    public static SignatureSet of(String source, List<Signature> signatures) {
        Map<Integer, Signature> seen = new HashMap<>();
        for (Signature s : signatures) {
            Signature before = seen.putIfAbsent(s.id(), s);
            if (before != null) {
                throw new IllegalArgumentException(source + ": signature id " + s.id() + " used twice");
            }
        }
        return new SignatureSet(source, signatures);
    }

    public static SignatureSet load(InputStream in, String name) {
        List<Signature> list = new ArrayList<>();
        Map<Integer, Integer> lineOfId = new HashMap<>();
        RuleFileLines.read(in, name, "signature file", (n, text, f) -> {
            try {
                Signature s = parse(f);
                Integer before = lineOfId.putIfAbsent(s.id(), n);
                if (before != null) {
                    throw new IllegalArgumentException("id " + s.id() + " already used on line " + before);
                }
                list.add(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " line " + n + ": " + e.getMessage() + ": " + text, e);
            }
        });
        if (list.isEmpty()) {
            throw new IllegalArgumentException(name + ": no signatures");
        }
        return new SignatureSet(name, list);
    }

    private static Signature parse(String[] f) {
        if (f.length < 4) {
            throw new IllegalArgumentException("expected 'id protocol tcp|udp|any [offset=N|anywhere] [nocase] pattern'");
        }
        int id;
        try {
            id = Integer.parseInt(f[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad id '" + f[0] + "'");
        }
        int l4 = switch (f[2]) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "any" -> 0;
            default -> throw new IllegalArgumentException("transport must be tcp, udp or any, not '" + f[2] + "'");
        };
        int offset = 0;
        boolean nocase = false;
        boolean positioned = false;
        for (int i = 3; i < f.length - 1; i++) {
            String o = f[i];
            if (o.equals("nocase") && !nocase) {
                nocase = true;
            } else if (o.equals("anywhere") && !positioned) {
                offset = Signature.ANYWHERE;
                positioned = true;
            } else if (o.startsWith("offset=") && !positioned) {
                try {
                    offset = Integer.parseInt(o.substring(7));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad offset '" + o + "'");
                }
                positioned = true;
            } else {
                throw new IllegalArgumentException("unknown or repeated option '" + o
                        + "' (options: offset=N or anywhere, nocase; the pattern is the last field)");
            }
        }
        return new Signature(id, f[1], l4, offset, nocase, unescape(f[f.length - 1]));
    }

    /** The bytes a pattern field stands for. */
    static byte[] unescape(String p) {
        byte[] out = new byte[p.length()];
        int n = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException("pattern character " + (int) c + " is not printable ASCII: write it \\xHH");
            }
            if (c != '\\') {
                out[n++] = (byte) c;
                continue;
            }
            if (++i == p.length()) {
                throw new IllegalArgumentException("pattern ends inside an escape");
            }
            char e = p.charAt(i);
            switch (e) {
                case 'x' -> {
                    int hi = i + 1 < p.length() ? Character.digit(p.charAt(i + 1), 16) : -1;
                    int lo = i + 2 < p.length() ? Character.digit(p.charAt(i + 2), 16) : -1;
                    if (hi < 0 || lo < 0) {
                        throw new IllegalArgumentException("\\x needs two hex digits");
                    }
                    out[n++] = (byte) (hi << 4 | lo);
                    i += 2;
                }
                case 's' -> out[n++] = ' ';
                case 't' -> out[n++] = '\t';
                case 'r' -> out[n++] = '\r';
                case 'n' -> out[n++] = '\n';
                case '\\' -> out[n++] = '\\';
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " (\\xHH \\s \\t \\r \\n \\\\)");
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The pattern field that stands for {@code bytes} (the inverse of {@link #unescape}). */
    static String escape(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            int c = x & 0xFF;
            if (c == '\\') {
                b.append("\\\\");
            } else if (c > 0x20 && c < 0x7F && c != '#') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    public List<Signature> signatures() {
        return signatures;
    }

    public int size() {
        return signatures.size();
    }

    /** Where the set came from (file or resource name), for messages. */
    public String source() {
        return source;
    }

    /** The protocol a signature id indicates, or null for an id not in the set. */
    public String protocol(int id) {
        return id > 0 && id < protocolById.length ? protocolById[id] : null;
    }

    /** The highest id in the set. */
    public int maxId() {
        return protocolById.length - 1;
    }

    /** The signatures that apply to payloads of one L4 protocol (6, 17, or anything else: the "any" ones). */
    List<Signature> forTransport(int l4) {
        List<Signature> out = new ArrayList<>();
        for (Signature s : signatures) {
            if (s.appliesTo(l4)) {
                out.add(s);
            }
        }
        return out;
    }
}
