package io.githubcache.support;

import io.githubcache.GithubCacheMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the whole application in-process, as {@code java -jar} would (Camel Main, YAML routes, real
 * sockets), on a free port, against a given upstream, with a test clock.
 */
public final class ProxyHarness implements AutoCloseable {

    private final GithubCacheMain app;
    private final int port;
    private final int managementPort;
    private java.nio.file.Path tempDir;
    private final MutableClock clock = new MutableClock();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private ProxyHarness(Map<String, String> props) throws Exception {
        this.port = freePort();
        Map<String, String> all = new HashMap<>();
        all.put("github.cache.port", Integer.toString(port));
        // the management server (health, metrics, purge) gets its own free port, never the shared default 9876
        int management = freePort();
        while (management == port) {
            management = freePort();
        }
        all.put("camel.management.port", Integer.toString(management));
        // each proxy gets its own disk tier unless the test shares one on purpose
        if (!props.containsKey("github.cache.dir")) {
            tempDir = java.nio.file.Files.createTempDirectory("github-cache-test");
            all.put("github.cache.dir", tempDir.toString());
        }
        all.putAll(props);
        this.managementPort = Integer.parseInt(all.get("camel.management.port"));
        this.app = new GithubCacheMain(all, clock);
        try {
            app.start();
        } catch (Exception | Error e) {
            // a proxy that fails to start is never closed by its test: its disk tier would stay behind in /tmp
            try {
                TempDirs.deleteRecursively(tempDir);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Starts a proxy in front of {@code upstreamUrl}; extra settings as key, value pairs. */
    public static ProxyHarness start(String upstreamUrl, String... keyValues) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("github.cache.upstream-url", upstreamUrl);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new ProxyHarness(props);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Port of Camel's management server: /observe/health, /observe/metrics, DELETE /cache. */
    public int managementPort() {
        return managementPort;
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public MutableClock clock() {
        return clock;
    }

    public GithubCacheMain app() {
        return app;
    }

    public HttpClient client() {
        return client;
    }

    /** Whether the proxy's listening endpoint hands requests to Camel's executor group (else: its event loop). */
    public boolean routesOnCamelsExecutor() {
        return app.camelMain().getCamelContext().getEndpoints().stream()
                .filter(e -> e instanceof org.apache.camel.component.netty.http.NettyHttpEndpoint n
                        && n.getConfiguration().getPort() == port && !n.getConfiguration().isBridgeEndpoint())
                .map(e -> ((org.apache.camel.component.netty.http.NettyHttpEndpoint) e).getConfiguration()
                        .isUsingExecutorService())
                .reduce((x, y) -> {
                    throw new IllegalStateException("two listening endpoints on port " + port);
                })
                .orElseThrow(() -> new IllegalStateException("no listening endpoint on port " + port));
    }

    /** GET with optional header pairs. */
    public HttpResponse<byte[]> get(String target, String... headerPairs) throws Exception {
        return send("GET", target, null, headerPairs);
    }

    public HttpResponse<byte[]> send(String method, String target, byte[] body, String... headerPairs)
            throws Exception {
        return client.send(request(method, target, body, headerPairs), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** GET with optional header pairs, without waiting for the answer (to have requests in flight together). */
    public CompletableFuture<HttpResponse<byte[]>> getAsync(String target, String... headerPairs) {
        return client.sendAsync(request("GET", target, null, headerPairs), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest request(String method, String target, byte[] body, String... headerPairs) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + target)).timeout(Duration.ofSeconds(90));
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return b.build();
    }

    public static String status(HttpResponse<?> r) {
        return r.headers().firstValue("X-Github-Cache-Status").orElse(null);
    }

    public static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        app.stop();
        TempDirs.deleteRecursively(tempDir);
    }
}
