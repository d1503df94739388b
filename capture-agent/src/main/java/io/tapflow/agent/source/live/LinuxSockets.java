package io.tapflow.agent.source.live;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls AF_PACKET capture needs, bound with FFM, each returning the C result and keeping {@code errno} of
 * the last failed call. One instance per socket owner: the errno buffer is not shared between threads.
 * Constants are Linux x86_64/aarch64 values ({@code linux/if_packet.h}, {@code asm-generic/socket.h}).
 */
public final class LinuxSockets {
    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    /** htons(ETH_P_ALL) as the 16-bit value the kernel reads in network byte order. */
    public static final short ETH_P_ALL_BE = 0x0300;
    public static final int SOL_SOCKET = 1;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SOL_PACKET = 263;
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_RESERVE = 12;
    public static final int PACKET_FANOUT = 18;
    public static final int TPACKET_V3 = 2;
    public static final int PACKET_MR_PROMISC = 1;
    public static final int PACKET_FANOUT_HASH = 0;
    public static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final short POLLIN = 1;
    public static final short POLLERR = 8;
    public static final int EPERM = 1;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int ENODEV = 19;
    public static final int ENOBUFS = 105;
    public static final int MSG_DONTWAIT = 0x40;

    /** struct sockaddr_ll: family u16, protocol be16, ifindex s32, hatype u16, pkttype u8, halen u8, addr[8]. */
    public static final int SOCKADDR_LL_SIZE = 20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option KEEP_ERRNO = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));
    private static final MethodHandle GETSOCKOPT = bind("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle MMAP = bind("mmap", FunctionDescriptor.of(PTR, PTR, LONG, INT, INT, INT, LONG));
    private static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(INT, PTR, LONG));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(INT, PTR, LONG, INT));
    private static final MethodHandle SENDTO = bind("sendto", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle IF_NAMETOINDEX = bind("if_nametoindex", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(PTR, INT));

    private final MemorySegment callState;
    private final MemorySegment pollFd;
    private int errno;

    /** @param arena owns the errno and pollfd buffers; must outlive this object */
    public LinuxSockets(Arena arena) {
        this.callState = arena.allocate(CALL_STATE);
        this.pollFd = arena.allocate(8, 4);
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, KEEP_ERRNO);
    }

    /** errno of the last call that failed. */
    public int errno() {
        return errno;
    }

    private int keep(int result) {
        if (result < 0) {
            errno = (int) ERRNO.get(callState, 0L);
        }
        return result;
    }

    public int socket(int domain, int type, int protocol) {
        try {
            return keep((int) SOCKET.invokeExact(callState, domain, type, protocol));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public int setsockopt(int fd, int level, int option, MemorySegment value) {
        try {
            return keep((int) SETSOCKOPT.invokeExact(callState, fd, level, option, value, (int) value.byteSize()));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @param length in: the value buffer's size (socklen_t), out: the bytes written */
    public int getsockopt(int fd, int level, int option, MemorySegment value, MemorySegment length) {
        try {
            return keep((int) GETSOCKOPT.invokeExact(callState, fd, level, option, value, length));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public int bind(int fd, MemorySegment address) {
        try {
            return keep((int) BIND.invokeExact(callState, fd, address, (int) address.byteSize()));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @return the mapping, sized; {@link MemorySegment#NULL} on failure (see {@link #errno()}) */
    public MemorySegment mmapShared(int fd, long length) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(callState, MemorySegment.NULL, length, PROT_READ | PROT_WRITE,
                    MAP_SHARED, fd, 0L);
            if (p.address() == -1L) { // MAP_FAILED
                keep(-1);
                return MemorySegment.NULL;
            }
            return p.reinterpret(length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public int munmap(MemorySegment mapping) {
        try {
            return keep((int) MUNMAP.invokeExact(callState, mapping, mapping.byteSize()));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Waits until {@code fd} is readable or the timeout passes; allocates nothing.
     *
     * @return &gt; 0 readable (or an error is pending), 0 timeout or interrupted by a signal, &lt; 0 failure
     */
    public int pollIn(int fd, int timeoutMs) {
        pollFd.set(INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, (short) (POLLIN | POLLERR));
        pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        try {
            int r = keep((int) POLL.invokeExact(callState, pollFd, 1L, timeoutMs));
            return r < 0 && errno == EINTR ? 0 : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public long sendto(int fd, MemorySegment frame, long length, MemorySegment address) {
        return sendto(fd, frame, length, 0, address);
    }

    public long sendto(int fd, MemorySegment frame, long length, int flags, MemorySegment address) {
        try {
            long r = (long) SENDTO.invokeExact(callState, fd, frame, length, flags, address, (int) address.byteSize());
            if (r < 0) {
                keep(-1);
            }
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public int close(int fd) {
        try {
            return keep((int) CLOSE.invokeExact(callState, fd));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @return the interface's index, 0 if there is no such interface */
    public int ifNameToIndex(String name) {
        try (Arena a = Arena.ofConfined()) {
            return keep((int) IF_NAMETOINDEX.invokeExact(callState, a.allocateFrom(name)));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** A sockaddr_ll for {@code ifindex}, all protocols. */
    public static MemorySegment packetAddress(Arena arena, int ifindex) {
        MemorySegment sll = arena.allocate(SOCKADDR_LL_SIZE, 4);
        sll.set(ValueLayout.JAVA_SHORT, 0, (short) AF_PACKET);
        sll.set(ValueLayout.JAVA_SHORT, 2, ETH_P_ALL_BE);
        sll.set(INT, 4, ifindex);
        return sll;
    }

    /** The C library's text for an errno value, e.g. "Operation not permitted". */
    public static String describe(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static IllegalStateException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
