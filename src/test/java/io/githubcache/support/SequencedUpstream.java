package io.githubcache.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that numbers requests as they arrive and holds each one until the test releases it by number, so
 * a test decides the order in which concurrent upstream requests complete. Every request gets
 * {@code 200 {"seq":N}} with {@code ETag: "seq-N"}, so a client can tell which upstream request produced the
 * response it got.
 */
public final class SequencedUpstream implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger arrived = new AtomicInteger();
    private final Map<Integer, CountDownLatch> releases = new ConcurrentHashMap<>();

    public SequencedUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many requests have arrived (held or answered). */
    public int arrived() {
        return arrived.get();
    }

    /** Lets the {@code seq}-th request (1-based, in arrival order) be answered. */
    public void release(int seq) {
        latch(seq).countDown();
    }

    private CountDownLatch latch(int seq) {
        return releases.computeIfAbsent(seq, s -> new CountDownLatch(1));
    }

    private void handle(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        int seq = arrived.incrementAndGet();
        try {
            latch(seq).await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.close();
            return;
        }
        byte[] body = ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().add("ETag", "\"seq-" + seq + "\"");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    @Override
    public void close() {
        releases.values().forEach(CountDownLatch::countDown);
        server.stop(0);
        executor.shutdownNow();
    }
}
