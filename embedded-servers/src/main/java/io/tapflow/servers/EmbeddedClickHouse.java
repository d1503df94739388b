package io.tapflow.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code clickhouse-server} (the installed binary, see {@link ClickHouseServerBinary}) as a child process on free
 * loopback ports, with its config, logs and data in one directory. {@link #start()} returns once {@code SELECT 1}
 * answers over HTTP; if another process takes a port first, it retries on new ports. A JVM shutdown hook stops the
 * server and deletes its temp dir, so a test run that dies half-way does not leave servers behind.
 *
 * <pre>{@code
 * try (EmbeddedClickHouse clickhouse = new EmbeddedClickHouse().start()) {
 *     Migrator.migrate(ClickHouseSettings.of(clickhouse.httpUrl()));
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedClickHouse implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedClickHouse.class);
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    // 18.16 stops in about 2 s on SIGTERM; more than this means it is stuck.
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 25;

    private final Path binary;
    private final Path dir;
    private final boolean deleteOnClose;
    private final Supplier<int[]> portPicker;
    private HttpClient http;
    private ClickHouseServerConfig config;
    private Process process;
    private Thread shutdownHook;
    private int[] lastPorts;

    /** A server in a new temp dir that {@link #close()} deletes. */
    public EmbeddedClickHouse() {
        this(null);
    }

    /**
     * @param keptDir where config, logs and data live and stay after {@link #close()} (for demos that keep their data
     *                across runs); {@code null} for a temp dir deleted on close
     * @throws IllegalStateException if no clickhouse-server binary is installed, saying how to install one
     */
    public EmbeddedClickHouse(Path keptDir) {
        this(keptDir, () -> LoopbackPorts.free(2));
    }

    /** @param portPicker the http and tcp ports for each start attempt (tests force a clash with it) */
    EmbeddedClickHouse(Path keptDir, Supplier<int[]> portPicker) {
        this.portPicker = portPicker;
        this.binary = ClickHouseServerBinary.locate();
        this.deleteOnClose = keptDir == null;
        this.dir = keptDir == null ? FileTrees.createTempDir("embedded-clickhouse-") : keptDir.toAbsolutePath();
    }

    /** The HTTP endpoint, e.g. {@code http://127.0.0.1:41234}; known once {@link #start()} has returned. */
    public String httpUrl() {
        if (config == null) {
            throw new IllegalStateException("ClickHouse has not been started");
        }
        return "http://127.0.0.1:" + config.httpPort();
    }

    /** Config, logs ({@code log/}) and data ({@code data/}). */
    public Path dir() {
        return dir;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** The server's process id, for tests that check it is gone. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("ClickHouse is not running");
        }
        return process.pid();
    }

    /** Starts the server and waits until it answers queries; retries on new ports if one was taken meanwhile. */
    public synchronized EmbeddedClickHouse start() {
        if (process != null) {
            throw new IllegalStateException("ClickHouse already running at " + httpUrl());
        }
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int[] ports = portPicker.get();
            if (launchOn(ports)) {
                return this;
            }
            LOG.warn("clickhouse-server could not bind port {} or {} (taken meanwhile); retrying on new ports",
                    ports[0], ports[1]);
            stop();
        }
        throw new IllegalStateException("clickhouse-server lost a port race " + START_ATTEMPTS + " times in a row; log tail:\n" + logTail());
    }

    /**
     * Stops the server if it runs and starts it again on the same ports with the same data: what a client sees when
     * its server goes away and comes back.
     */
    public synchronized EmbeddedClickHouse restart() {
        if (lastPorts == null) {
            throw new IllegalStateException("restart() needs an earlier start()");
        }
        stop();
        if (!launchOn(lastPorts)) {
            stop();
            throw new IllegalStateException("clickhouse-server could not come back on ports " + lastPorts[0] + "/"
                    + lastPorts[1] + "; log tail:\n" + logTail());
        }
        return this;
    }

    private boolean launchOn(int[] ports) {
        config = new ClickHouseServerConfig(dir, ports[0], ports[1]);
        config.write();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        process = launch();
        registerShutdownHook();
        if (awaitReady()) {
            lastPorts = ports;
            LOG.info("clickhouse-server (pid {}) serving at {}, dir {}", process.pid(), httpUrl(), dir);
            return true;
        }
        return false;
    }

    /**
     * Runs one statement over HTTP and returns the response body: for tests and health checks (production code
     * uses client-v2).
     *
     * @throws IllegalStateException with the server's message when it answers an error
     */
    public String query(String sql) {
        HttpClient client = httpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl() + "/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse at " + httpUrl() + " answered HTTP " + response.statusCode() + " to `"
                        + sql + "`: " + response.body().strip());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach ClickHouse at " + httpUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted querying ClickHouse", e);
        }
    }

    /** SIGTERM, wait up to 15 s, then SIGKILL. The data dir stays (a later {@link #start()} reuses it). */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        // Our idle keep-alive connection would hold up the server's shutdown.
        http.shutdownNow();
        terminate(p);
        removeShutdownHook();
    }

    /** Stops the server if it runs and deletes its temp dir (a kept dir stays), whatever state the server is in. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (deleteOnClose) {
                FileTrees.deleteRecursively(dir);
            }
        }
    }

    private synchronized HttpClient httpClient() {
        if (!running()) {
            throw new IllegalStateException("ClickHouse is not running");
        }
        return http;
    }

    private Process launch() {
        Path console = dir.resolve("log/console.log");
        try {
            // A failed earlier attempt's errors must not be mistaken for this one's.
            Files.deleteIfExists(config.errorLog());
            return new ProcessBuilder(binary.toString(), "--config-file=" + config.configFile())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    /** @return true once serving, false if the server exited because a port was taken */
    private boolean awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(httpUrl() + "/?query=" + URLEncoder.encode("SELECT 1", StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = logTail();
                if (tail.contains("Address already in use")) {
                    return false;
                }
                int exit = process.exitValue();
                stop();
                throw new IllegalStateException("clickhouse-server exited with code " + exit + " before serving (config "
                        + config.configFile() + "); log tail:\n" + tail);
            }
            try {
                HttpResponse<String> r = http.send(ping, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().strip().equals("1")) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted waiting for clickhouse-server", e);
            }
            sleep(50);
        }
        stop();
        throw new IllegalStateException("clickhouse-server not answering SELECT 1 at " + httpUrl() + " after " + READY_TIMEOUT
                + "; log tail:\n" + logTail());
    }

    /** The last lines of the error log, else of the server log, plus anything it printed before its logger was up. */
    private String logTail() {
        StringBuilder out = new StringBuilder();
        Path log = Files.exists(config.errorLog()) && size(config.errorLog()) > 0 ? config.errorLog() : config.serverLog();
        for (Path p : List.of(log, dir.resolve("log/console.log"))) {
            if (Files.exists(p)) {
                // Stack-trace frames ("12. /usr/bin/clickhouse-server(...)") would crowd out the message.
                List<String> lines = readLines(p).stream().filter(l -> !l.matches("^\\d+\\. .*") && !l.isBlank()).toList();
                out.append("--- ").append(p).append('\n');
                lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return List.of("(cannot read " + p + ": " + e + ")");
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void terminate(Process p) {
        p.destroy(); // SIGTERM: the server flushes and exits
        try {
            if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("clickhouse-server (pid {}) still running {} after SIGTERM; killing it", p.pid(), STOP_GRACE);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private void registerShutdownHook() {
        if (shutdownHook != null) {
            return;
        }
        shutdownHook = new Thread(() -> {
            Process p;
            synchronized (this) {
                p = process;
                process = null;
            }
            if (p != null) {
                terminate(p);
            }
            if (deleteOnClose) {
                try {
                    FileTrees.deleteRecursively(dir);
                } catch (UncheckedIOException ignored) {
                    // best effort while the JVM exits
                }
            }
        }, "embedded-clickhouse-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook == null || hook == Thread.currentThread()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException jvmExiting) {
            // the hook is running or about to: it finds no process and leaves
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
