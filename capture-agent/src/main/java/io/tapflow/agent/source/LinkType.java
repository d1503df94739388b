package io.tapflow.agent.source;

/** The LINKTYPE_* values (tcpdump.org/linktypes.html) the decoder understands. */
public final class LinkType {
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int PPP = 9;
    public static final int RAW_OPENBSD = 12;
    public static final int RAW_BSDOS = 14;
    public static final int PPP_HDLC = 50;
    public static final int RAW = 101;
    public static final int C_HDLC = 104;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    public static boolean isSupported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, PPP, RAW_OPENBSD, RAW_BSDOS, PPP_HDLC, RAW, C_HDLC, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL/loopback";
            case ETHERNET -> "Ethernet";
            case PPP -> "PPP";
            case RAW_OPENBSD, RAW_BSDOS, RAW -> "raw IP";
            case PPP_HDLC -> "PPP in HDLC";
            case C_HDLC -> "Cisco HDLC";
            case LOOP -> "OpenBSD loopback";
            case LINUX_SLL -> "Linux cooked (SLL)";
            case IPV4 -> "raw IPv4";
            case IPV6 -> "raw IPv6";
            case LINUX_SLL2 -> "Linux cooked v2 (SLL2)";
            default -> "link type " + linkType;
        };
    }
}
