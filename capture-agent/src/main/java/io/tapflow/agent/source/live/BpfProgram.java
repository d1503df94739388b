package io.tapflow.agent.source.live;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A tcpdump-syntax filter compiled to classic BPF by libpcap (through FFM, on a dead handle: no device needed), ready
 * to attach to a socket with SO_ATTACH_FILTER. The kernel copies the program at attach time, so one compiled
 * program serves every worker's socket.
 * <pre>
 * struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }        (16 bytes on LP64)
 * struct sock_fprog  { unsigned short len; struct sock_filter *filter; }  (same layout; bpf_insn == sock_filter)
 * </pre>
 * The kernel runs the filter on the frame as it holds it, without an outer VLAN tag (taken out on receive): write
 * filters for the untagged traffic ("tcp port 443", not "vlan and tcp port 443").
 */
public final class BpfProgram implements AutoCloseable {
    public static final int DLT_EN10MB = 1;
    private static final int SNAPLEN = 65_535;
    private static final int OPTIMIZE = 1;
    private static final int PCAP_NETMASK_UNKNOWN = 0xFFFF_FFFF;
    private static final Object LIBPCAP_LOCK = new Object(); // older libpcaps compile with global state

    private final Arena arena;
    private final MemorySegment program;
    private final String expression;

    private BpfProgram(Arena arena, MemorySegment program, String expression) {
        this.arena = arena;
        this.program = program;
        this.expression = expression;
    }

    /**
     * @throws LiveCaptureException with libpcap's message when the expression does not compile, or when libpcap is missing
     */
    public static BpfProgram compile(String expression, int dlt) {
        Libpcap pcap = Libpcap.get();
        Arena arena = Arena.ofShared();
        MemorySegment program = arena.allocate(16, 8);
        synchronized (LIBPCAP_LOCK) {
            try {
                MemorySegment dead = (MemorySegment) pcap.openDead.invokeExact(dlt, SNAPLEN);
                if (dead.equals(MemorySegment.NULL)) {
                    arena.close();
                    throw new LiveCaptureException("libpcap could not open a handle to compile the filter");
                }
                try {
                    int r = (int) pcap.compile.invokeExact(dead, program, arena.allocateFrom(expression), OPTIMIZE, PCAP_NETMASK_UNKNOWN);
                    if (r != 0) {
                        String message = ((MemorySegment) pcap.geterr.invokeExact(dead)).reinterpret(1024).getString(0);
                        arena.close();
                        throw new LiveCaptureException("filter '" + expression + "' does not compile: " + message);
                    }
                } finally {
                    pcap.close.invokeExact(dead);
                }
            } catch (LiveCaptureException e) {
                throw e;
            } catch (Throwable t) {
                arena.close();
                throw new LiveCaptureException("libpcap failed compiling filter '" + expression + "': " + t, t);
            }
        }
        return new BpfProgram(arena, program, expression);
    }

    /** Compiles and discards: validates a filter before anything starts. */
    public static void check(String expression) {
        try (BpfProgram p = compile(expression, DLT_EN10MB)) {
            p.instructions();
        }
    }

    int instructions() {
        return program.get(ValueLayout.JAVA_INT, 0);
    }

    /** Attaches to {@code fd}; the kernel keeps its own copy. */
    void attach(LinuxSockets sys, int fd, String where) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fprog = a.allocate(16, 8);
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) instructions());
            fprog.set(ValueLayout.ADDRESS, 8, program.get(ValueLayout.ADDRESS, 8));
            if (sys.setsockopt(fd, LinuxSockets.SOL_SOCKET, LinuxSockets.SO_ATTACH_FILTER, fprog) < 0) {
                throw new LiveCaptureException(where + ": the kernel refused filter '" + expression + "' (SO_ATTACH_FILTER: "
                        + LinuxSockets.describe(sys.errno()) + ")");
            }
        }
    }

    @Override
    public void close() {
        try {
            Libpcap.get().freecode.invokeExact(program);
        } catch (Throwable t) {
            // nothing to recover: the process keeps a few bytes
        }
        arena.close();
    }

    /** libpcap's compile entry points, found once. */
    private static final class Libpcap {
        private static Libpcap instance;
        final MethodHandle openDead;
        final MethodHandle compile;
        final MethodHandle geterr;
        final MethodHandle freecode;
        final MethodHandle close;

        private Libpcap(SymbolLookup lib) {
            Linker linker = Linker.nativeLinker();
            ValueLayout p = ValueLayout.ADDRESS;
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            openDead = linker.downcallHandle(lib.find("pcap_open_dead").orElseThrow(), FunctionDescriptor.of(p, i, i));
            compile = linker.downcallHandle(lib.find("pcap_compile").orElseThrow(), FunctionDescriptor.of(i, p, p, p, i, i));
            geterr = linker.downcallHandle(lib.find("pcap_geterr").orElseThrow(), FunctionDescriptor.of(p, p));
            freecode = linker.downcallHandle(lib.find("pcap_freecode").orElseThrow(), FunctionDescriptor.ofVoid(p));
            close = linker.downcallHandle(lib.find("pcap_close").orElseThrow(), FunctionDescriptor.ofVoid(p));
        }

        static synchronized Libpcap get() {
            if (instance == null) {
                IllegalArgumentException last = null;
                for (String name : new String[] {"libpcap.so.1", "libpcap.so.0.8", "libpcap.so"}) {
                    try {
                        instance = new Libpcap(SymbolLookup.libraryLookup(name, Arena.global()));
                        return instance;
                    } catch (IllegalArgumentException e) {
                        last = e;
                    }
                }
                throw new LiveCaptureException("a capture filter needs libpcap, which is not installed "
                        + "(Debian/Ubuntu: apt-get install libpcap0.8)", last);
            }
            return instance;
        }
    }
}
