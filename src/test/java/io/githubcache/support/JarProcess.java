package io.githubcache.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packaged application as operators run it: {@code java -jar target/github-cache.jar} as a child process,
 * configured only through environment variables, with the project root as working directory (so the
 * {@code routes/} folder is found). stdout and stderr go to files under {@code target/jar-it/}.
 */
public final class JarProcess implements AutoCloseable {

    private static final AtomicInteger RUNS = new AtomicInteger();
    /** Inherited variables that would change the child's settings. */
    private static final List<String> SCRUBBED_PREFIXES = List.of("GITHUB_CACHE_", "OD_GITHUBCACHE_", "CAMEL_");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Integer port;

    private JarProcess(Process process, Path stdout, Path stderr, Integer port) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
    }

    public static Path projectRoot() {
        String basedir = System.getProperty("basedir");
        return (basedir != null ? Path.of(basedir) : Path.of("")).toAbsolutePath();
    }

    public static Path jar() {
        return projectRoot().resolve("target/github-cache.jar");
    }

    /**
     * Starts the jar with exactly these environment overrides (inherited github-cache variables are removed).
     * Does not wait: use {@link #awaitListening(int)} or {@link #awaitExit(Duration)}.
     */
    public static JarProcess launch(String name, Map<String, String> env) throws IOException {
        Path jar = jar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with mvn verify");
        }
        Path dir = projectRoot().resolve("target/jar-it");
        Files.createDirectories(dir);
        String base = RUNS.incrementAndGet() + "-" + name;
        Path out = dir.resolve(base + ".stdout.log");
        Path err = dir.resolve(base + ".stderr.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Vert.x's cache dir (the management server) under target/ too: a killed process cannot remove it
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dvertx.cacheDirBase=" + dir.resolve(base + "-vertx-cache"), "-jar", jar.toString())
                .directory(projectRoot().toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> childEnv = pb.environment();
        childEnv.keySet().removeIf(k -> k.equals("PORT") || SCRUBBED_PREFIXES.stream().anyMatch(k::startsWith));
        // the management server gets a free port unless the test chooses one: 9876 may be taken by another run
        childEnv.put("CAMEL_MANAGEMENT_PORT", Integer.toString(ProxyHarness.freePort()));
        // and its own cache directory, so runs never share (or lock each other out of) ./cache; under target/,
        // so `mvn clean` removes it and nothing is left in the system's temp dir
        if (!env.containsKey("GITHUB_CACHE_DIR")) {
            childEnv.put("GITHUB_CACHE_DIR", Files.createTempDirectory(dir, base + "-cache").toString());
        }
        childEnv.putAll(env);
        Integer port = null;
        if (env.containsKey("PORT")) {
            try {
                port = Integer.parseInt(env.get("PORT"));
            } catch (NumberFormatException e) {
                port = null;
            }
        }
        return new JarProcess(pb.start(), out, err, port);
    }

    /** Starts the jar and waits until it accepts connections on {@code PORT}. */
    public static JarProcess start(String name, Map<String, String> env) throws IOException {
        JarProcess p = launch(name, env);
        try {
            p.awaitListening(60);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Convenience for {@link #start(String, Map)} with key, value pairs. */
    public static Map<String, String> env(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    public void awaitListening(int seconds) {
        if (port == null) {
            throw new IllegalStateException("no PORT given");
        }
        await("github-cache jar listening on " + port).atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the jar exited with " + process.exitValue()
                                + " before listening; stderr:\n" + stderr());
                    }
                    return accepts(port);
                });
    }

    /** Waits for the process to end by itself; returns its exit code, or null if it is still running. */
    public Integer awaitExit(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    /** Non-empty stdout lines. */
    public List<String> stdoutLines() {
        List<String> lines = new ArrayList<>();
        for (String l : stdout().split("\n", -1)) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }

    public Path stdoutFile() {
        return stdout;
    }

    public Path stderrFile() {
        return stderr;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: the process gets no chance to flush or close anything (a crash, as far as the store knows). */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Asks the process to stop (SIGTERM), then kills it if it has not stopped after a few seconds. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
