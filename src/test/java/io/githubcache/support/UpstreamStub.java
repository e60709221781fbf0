package io.githubcache.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.githubcache.cache.ContentCoding;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A GitHub-like upstream on a loopback port (JDK HttpServer): serves JSON with an ETag per path, answers
 * matching {@code If-None-Match} with 304, gzips for clients that ask, records every request it receives,
 * and can be told to fail (status, reset, hang, delay) or to serve custom responses per path.
 */
public final class UpstreamStub implements AutoCloseable {

    /** A request as the stub received it. */
    public record Received(String method, String rawUri, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().isEmpty() ? null : String.join(", ", e.getValue());
                }
            }
            return null;
        }

        public List<String> headerLines(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return List.of();
        }

        public String path() {
            int q = rawUri.indexOf('?');
            return q < 0 ? rawUri : rawUri.substring(0, q);
        }
    }

    /** A canned response for one path. */
    public record Canned(int status, List<String[]> headers, byte[] body) {
        public static Canned json(int status, String json, String... headerPairs) {
            List<String[]> h = new ArrayList<>();
            h.add(new String[] {"Content-Type", "application/json; charset=utf-8"});
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                h.add(new String[] {headerPairs[i], headerPairs[i + 1]});
            }
            return new Canned(status, h, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** How the stub misbehaves for the next requests. */
    public enum Failure {
        NONE, STATUS_500, STATUS_502, STATUS_503, STATUS_504, RESET, HANG
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
    private final Map<String, Canned> canned = new ConcurrentHashMap<>();
    private volatile Failure failure = Failure.NONE;
    private volatile boolean gzip = true;
    private volatile boolean varyTwoLines = true;
    private volatile String vary = null;
    private volatile CountDownLatch gate = null;
    private final Map<String, CountDownLatch> heldReads = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile CountDownLatch hangRelease = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();

    public UpstreamStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Received> received() {
        return Collections.unmodifiableList(received);
    }

    /** Requests received for a path (without query), any method. */
    public long count(String path) {
        return received.stream().filter(r -> r.path().equals(path)).count();
    }

    public long count() {
        return received.size();
    }

    public Received last() {
        return received.get(received.size() - 1);
    }

    /** Changes the resource at a path: its next response has a new body and ETag. */
    public void change(String path) {
        versions.computeIfAbsent(path, p -> new AtomicInteger(1)).incrementAndGet();
    }

    public void failWith(Failure f) {
        this.failure = f;
    }

    public void canned(String path, Canned c) {
        canned.put(path, c);
    }

    public void gzip(boolean on) {
        this.gzip = on;
    }

    /** Sends GitHub's two Vary lines (default), or one line with this value, or none ({@code ""}). */
    public void vary(String oneLine) {
        this.vary = oneLine;
        this.varyTwoLines = false;
    }

    /** Holds every request until {@link #openGate()}; {@link #entered()} counts requests waiting there. */
    public void closeGate() {
        gate = new CountDownLatch(1);
    }

    public void openGate() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    public int entered() {
        return entered.get();
    }

    /** Holds the GETs of one path (not its writes) until {@link #releaseReads}: a read in flight across a write. */
    public void holdReads(String path) {
        heldReads.put(path, new CountDownLatch(1));
    }

    public void releaseReads(String path) {
        CountDownLatch held = heldReads.remove(path);
        if (held != null) {
            held.countDown();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] reqBody = ex.getRequestBody().readAllBytes();
        received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString().isEmpty() ? "/" : rawUri(ex),
                Map.copyOf(ex.getRequestHeaders()), reqBody));
        entered.incrementAndGet();
        try {
            CountDownLatch g = gate;
            if (g != null) {
                g.await(60, TimeUnit.SECONDS);
            }
            CountDownLatch held = heldReads.get(ex.getRequestURI().getRawPath());
            if (held != null && ex.getRequestMethod().equals("GET")) {
                held.await(60, TimeUnit.SECONDS);
            }
            switch (failure) {
                case STATUS_500 -> { send(ex, 500, "{\"message\":\"Server Error\"}"); return; }
                case STATUS_502 -> { send(ex, 502, "{\"message\":\"Bad Gateway\"}"); return; }
                case STATUS_503 -> { send(ex, 503, "{\"message\":\"Unavailable\"}"); return; }
                case STATUS_504 -> { send(ex, 504, "{\"message\":\"Timeout\"}"); return; }
                case RESET -> { ex.close(); return; }
                case HANG -> { hangRelease.await(120, TimeUnit.SECONDS); ex.close(); return; }
                default -> { }
            }
            String path = ex.getRequestURI().getRawPath();
            Canned c = canned.get(path);
            if (c != null) {
                for (String[] h : c.headers()) {
                    ex.getResponseHeaders().add(h[0], h[1]);
                }
                writeBody(ex, c.status(), c.body(), ex.getRequestMethod().equals("HEAD"));
                return;
            }
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
                writeBody(ex, ex.getRequestMethod().equals("POST") ? 201 : 200, reqBody, false);
                return;
            }
            int version = versions.computeIfAbsent(path, p -> new AtomicInteger(1)).get();
            String etag = "\"" + Integer.toHexString(path.hashCode()) + "-v" + version + "\"";
            ex.getResponseHeaders().add("ETag", etag);
            ex.getResponseHeaders().add("X-RateLimit-Limit", "5000");
            ex.getResponseHeaders().add("X-RateLimit-Remaining", Integer.toString(5000 - received.size()));
            ex.getResponseHeaders().add("X-RateLimit-Reset", "1900000000");
            ex.getResponseHeaders().add("X-GitHub-Request-Id", "REQ-" + received.size());
            ex.getResponseHeaders().add("Cache-Control", "private, max-age=60, s-maxage=60");
            if (varyTwoLines) {
                ex.getResponseHeaders().add("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP");
                ex.getResponseHeaders().add("Vary", "Accept-Encoding, Accept, X-Requested-With");
            } else if (vary != null && !vary.isEmpty()) {
                ex.getResponseHeaders().add("Vary", vary);
            }
            String inm = ex.getRequestHeaders().getFirst("If-None-Match");
            if (etag.equals(inm)) {
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String accept = ex.getRequestHeaders().getFirst("Accept");
            String json = "{\"path\":\"" + path + "\",\"version\":" + version + ",\"auth\":\""
                    + (auth == null ? "" : auth) + "\",\"accept\":\"" + (accept == null ? "" : accept)
                    + "\",\"n\":" + received.size() + "}";
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            int status = path.contains("missing") ? 404 : 200;
            writeBody(ex, status, json.getBytes(StandardCharsets.UTF_8), ex.getRequestMethod().equals("HEAD"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            entered.decrementAndGet();
        }
    }

    private static String rawUri(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        return ex.getRequestURI().getRawPath() + (q == null ? "" : "?" + q);
    }

    private void writeBody(HttpExchange ex, int status, byte[] body, boolean head) throws IOException {
        byte[] out = body;
        String ae = ex.getRequestHeaders().getFirst("Accept-Encoding");
        if (gzip && ae != null && ae.contains("gzip") && body.length > 0
                && !ex.getResponseHeaders().containsKey("Content-Encoding")) {
            out = ContentCoding.gzip(body);
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
        }
        if (head) {
            ex.getResponseHeaders().add("Content-Length", Integer.toString(out.length));
            ex.sendResponseHeaders(status, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @Override
    public void close() {
        hangRelease.countDown();
        openGate();
        server.stop(0);
        executor.shutdownNow();
    }
}
