package io.tapflow.agent.source.live;

import io.tapflow.agent.source.FrameBatch;
import io.tapflow.agent.source.LinkType;
import io.tapflow.agent.source.PacketSource;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Live capture on a Linux interface through an AF_PACKET socket with a TPACKET_V3 ring (zero-copy: the meter decodes
 * frames in the ring). With a fanout group the kernel spreads flows over several such sockets by a symmetric hash of
 * the outer headers, after reassembling IP fragments (PACKET_FANOUT_FLAG_DEFRAG: a fragmented datagram is delivered,
 * and counted, as one packet), so each worker sees whole flows. A single socket joins no group: fragments arrive as
 * they were on the wire.
 *
 * <p>Timestamps are the kernel's receive time. {@link #nextBatch} returns 0 when nothing arrived within the poll
 * timeout (an idle link, not the end: a live source ends only when closed).
 *
 * <p>Setup order matters: the socket is opened with protocol 0 (receives nothing), gets its ring and filter, and only
 * then is bound to the interface, so no frame bypasses the filter.
 */
public final class AfPacketSource implements PacketSource {
    /** Short enough that a stop request or an idle-flow sweep waits at most this long. */
    public static final int POLL_TIMEOUT_MS = 100;
    private static final int ARPHRD_ETHER = 1;
    private static final int ARPHRD_LOOPBACK = 772;
    private static final int ARPHRD_NONE = 65534;

    private final String name;
    private final Arena arena = Arena.ofShared();
    private final LinuxSockets sys = new LinuxSockets(arena);
    private final MemorySegment stats = arena.allocate(12, 4);
    private final MemorySegment statsLength = arena.allocate(4, 4);
    private final int fd;
    private final MemorySegment mapping;
    private final TpacketV3Ring ring;
    private long drops;
    private long freezes;
    private boolean closed;

    /**
     * @param fanoutGroup PACKET_FANOUT group id shared by the workers of one agent; -1 for a single socket
     * @throws LiveCaptureException naming the interface and what is missing (interface, capability, memory)
     */
    public AfPacketSource(String interfaceName, long ringBytes, BpfProgram filter, boolean promiscuous, int fanoutGroup) {
        this.name = interfaceName;
        int arphrd;
        int linkType;
        int ifindex;
        try {
            arphrd = hardwareType(interfaceName);
            linkType = linkType(interfaceName, arphrd);
            ifindex = sys.ifNameToIndex(interfaceName);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        if (ifindex == 0) {
            arena.close();
            throw new LiveCaptureException(noSuchInterface(interfaceName));
        }
        fd = sys.socket(LinuxSockets.AF_PACKET, LinuxSockets.SOCK_RAW, 0);
        if (fd < 0) {
            int e = sys.errno();
            arena.close();
            throw new LiveCaptureException(e == LinuxSockets.EPERM || e == LinuxSockets.EACCES
                    ? "capturing on " + interfaceName + " needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode): run as root, "
                    + "or grant them: setcap cap_net_raw,cap_net_admin+ep " + javaBinary()
                    : "cannot open an AF_PACKET socket for " + interfaceName + ": " + LinuxSockets.describe(e));
        }
        try {
            setInt(LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_VERSION, LinuxSockets.TPACKET_V3, "PACKET_VERSION TPACKET_V3");
            setInt(LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_RESERVE, TpacketV3Ring.RESERVE, "PACKET_RESERVE");
            int blocks = TpacketV3Ring.blocksFor(ringBytes);
            long size = (long) blocks * TpacketV3Ring.BLOCK_SIZE;
            requestRing(blocks);
            mapping = sys.mmapShared(fd, size);
            if (mapping.equals(MemorySegment.NULL)) {
                throw new LiveCaptureException(interfaceName + ": cannot map the capture ring of " + mib(size) + " MiB: "
                        + LinuxSockets.describe(sys.errno()) + "; lower capture.ring-mb");
            }
            ring = new TpacketV3Ring(mapping, blocks, linkType, arphrd == ARPHRD_LOOPBACK);
            if (filter != null) {
                filter.attach(sys, fd, interfaceName);
            }
            if (promiscuous) {
                enablePromiscuous(ifindex);
            }
            if (sys.bind(fd, LinuxSockets.packetAddress(arena, ifindex)) < 0) {
                throw new LiveCaptureException("cannot bind to " + interfaceName + ": " + LinuxSockets.describe(sys.errno()));
            }
            if (fanoutGroup >= 0) {
                int mode = LinuxSockets.PACKET_FANOUT_HASH | LinuxSockets.PACKET_FANOUT_FLAG_DEFRAG;
                setInt(LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_FANOUT, (fanoutGroup & 0xFFFF) | (mode << 16),
                        "PACKET_FANOUT (group " + fanoutGroup + ")");
            }
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private void requestRing(int blocks) {
        MemorySegment req = arena.allocate(28, 4); // struct tpacket_req3
        req.set(ValueLayout.JAVA_INT, 0, TpacketV3Ring.BLOCK_SIZE);
        req.set(ValueLayout.JAVA_INT, 4, blocks);
        req.set(ValueLayout.JAVA_INT, 8, TpacketV3Ring.FRAME_SIZE);
        req.set(ValueLayout.JAVA_INT, 12, (int) ((long) blocks * TpacketV3Ring.BLOCK_SIZE / TpacketV3Ring.FRAME_SIZE));
        req.set(ValueLayout.JAVA_INT, 16, TpacketV3Ring.RETIRE_TIMEOUT_MS);
        req.set(ValueLayout.JAVA_INT, 20, 0); // tp_sizeof_priv
        req.set(ValueLayout.JAVA_INT, 24, 0); // tp_feature_req_word
        if (sys.setsockopt(fd, LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_RX_RING, req) < 0) {
            int e = sys.errno();
            long size = (long) blocks * TpacketV3Ring.BLOCK_SIZE;
            throw new LiveCaptureException(e == LinuxSockets.ENOMEM || e == LinuxSockets.ENOBUFS
                    ? name + ": the kernel cannot allocate a capture ring of " + mib(size) + " MiB (" + LinuxSockets.describe(e)
                    + "); lower capture.ring-mb"
                    : name + ": the kernel refused a capture ring of " + mib(size) + " MiB in " + blocks + " blocks: "
                    + LinuxSockets.describe(e));
        }
    }

    private void enablePromiscuous(int ifindex) {
        MemorySegment mreq = arena.allocate(16, 4); // struct packet_mreq
        mreq.set(ValueLayout.JAVA_INT, 0, ifindex);
        mreq.set(ValueLayout.JAVA_SHORT, 4, (short) LinuxSockets.PACKET_MR_PROMISC);
        if (sys.setsockopt(fd, LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_ADD_MEMBERSHIP, mreq) < 0) {
            int e = sys.errno();
            throw new LiveCaptureException(e == LinuxSockets.EPERM || e == LinuxSockets.EACCES
                    ? "promiscuous mode on " + name + " needs CAP_NET_ADMIN (or set capture.promiscuous: false)"
                    : "cannot switch " + name + " to promiscuous mode: " + LinuxSockets.describe(e));
        }
    }

    private void setInt(int level, int option, int value, String what) {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        if (sys.setsockopt(fd, level, option, v) < 0) {
            throw new LiveCaptureException(name + ": setsockopt " + what + " failed: " + LinuxSockets.describe(sys.errno()));
        }
    }

    @Override
    public int nextBatch(FrameBatch batch) {
        int n = ring.fill(batch);
        if (n > 0) {
            return n;
        }
        if (sys.pollIn(fd, POLL_TIMEOUT_MS) < 0) {
            throw new IllegalStateException(name + ": poll failed: " + LinuxSockets.describe(sys.errno()));
        }
        return ring.fill(batch);
    }

    @Override
    public String name() {
        return name;
    }

    /** Ring drops so far (PACKET_STATISTICS, which resets the kernel's counters on every read: we keep the sum). */
    @Override
    public synchronized long drops() {
        readStatistics();
        return drops;
    }

    /** Times the ring was full and the kernel froze the queue (each may have cost frames counted in {@link #drops}). */
    public synchronized long freezes() {
        readStatistics();
        return freezes;
    }

    private void readStatistics() {
        if (closed) {
            return;
        }
        statsLength.set(ValueLayout.JAVA_INT, 0, 12);
        if (sys.getsockopt(fd, LinuxSockets.SOL_PACKET, LinuxSockets.PACKET_STATISTICS, stats, statsLength) == 0) {
            drops += stats.get(ValueLayout.JAVA_INT, 4) & 0xFFFF_FFFFL;
            freezes += stats.get(ValueLayout.JAVA_INT, 8) & 0xFFFF_FFFFL;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            readStatistics();
            closeQuietly();
        }
    }

    private void closeQuietly() {
        closed = true;
        if (mapping != null && !mapping.equals(MemorySegment.NULL)) {
            sys.munmap(mapping);
        }
        if (fd >= 0) {
            sys.close(fd);
        }
        arena.close();
    }

    private static int hardwareType(String interfaceName) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", interfaceName, "type")).trim());
        } catch (IOException | NumberFormatException e) {
            throw new LiveCaptureException(noSuchInterface(interfaceName));
        }
    }

    /** The link type of frames on this interface, from its ARPHRD type. */
    private static int linkType(String interfaceName, int arphrd) {
        return switch (arphrd) {
            case ARPHRD_ETHER, ARPHRD_LOOPBACK -> LinkType.ETHERNET;
            case ARPHRD_NONE -> LinkType.RAW;
            default -> throw new LiveCaptureException(interfaceName + ": hardware type " + arphrd
                    + " is not supported by the afpacket source (Ethernet, loopback, raw IP tunnels are); try --source pcap");
        };
    }

    static String noSuchInterface(String interfaceName) {
        String have;
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            have = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            have = "?";
        }
        return "no network interface '" + interfaceName + "' here (interfaces: " + have + ")";
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
