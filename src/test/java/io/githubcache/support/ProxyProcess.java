package io.githubcache.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The proxy as a separate JVM, configured through the environment as in a container, so tests can send it
 * real signals ({@link Process#destroy()} is SIGTERM on Linux) and read its exit code. Started either from
 * the test classpath ({@link #fromClasspath}) or from the packaged jar ({@link #fromJar}). Its stdout and
 * stderr go to a file (read with {@link #output()}), so a full pipe never blocks it.
 */
public final class ProxyProcess implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final Path log;
    private final int port;
    private final int managementPort;

    private ProxyProcess(List<String> launch, String upstreamUrl, Map<String, String> env) throws IOException {
        this.port = ProxyHarness.freePort();
        this.managementPort = ProxyHarness.freePort();
        this.dir = Files.createTempDirectory("github-cache-process");
        this.log = dir.resolve("output.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // quick startup for a short-lived JVM
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx256m");
        // Vert.x (the management server) makes a cache dir under the system's temp dir and removes it on a clean
        // stop only: a process this class kills -9 left one in /tmp per run
        cmd.add("-Dvertx.cacheDirBase=" + dir.resolve("vertx-cache"));
        cmd.addAll(launch);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("CAMEL_MANAGEMENT_PORT", Integer.toString(managementPort));
        pb.environment().put("GITHUB_CACHE_UPSTREAM_URL", upstreamUrl);
        if (!env.containsKey("GITHUB_CACHE_DIR")) {
            // inside the process's own directory, so close() removes it with the log
            pb.environment().put("GITHUB_CACHE_DIR", dir.resolve("cache").toString());
        }
        pb.environment().putAll(env);
        this.process = pb.start();
    }

    /** {@code java -cp <this test run's classpath> io.githubcache.Application}: the code under test, unpackaged. */
    public static ProxyProcess fromClasspath(String upstreamUrl, Map<String, String> env) throws IOException {
        return new ProxyProcess(List.of("-cp", System.getProperty("java.class.path"), "io.githubcache.Application"),
                upstreamUrl, env);
    }

    /** {@code java -jar target/github-cache.jar}: what the container runs. */
    public static ProxyProcess fromJar(Path jar, String upstreamUrl, Map<String, String> env) throws IOException {
        return new ProxyProcess(List.of("-jar", jar.toAbsolutePath().toString()), upstreamUrl, env);
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Process process() {
        return process;
    }

    /** Waits until the management server says the proxy is ready (routes started, store open). */
    public ProxyProcess awaitReady(Duration atMost) {
        ManagementClient m = new ManagementClient(managementPort);
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the proxy process exited with " + process.exitValue() + ":\n" + output());
            }
            return m.healthStatus("/observe/health/ready").equals(Optional.of(200));
        });
        return this;
    }

    /** Sends SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the exit and returns its code. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the proxy process did not exit within " + atMost + ":\n" + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        TempDirs.deleteRecursively(dir);
    }
}
