package io.githubcache;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.githubcache.cache.ContentCoding;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstream of the CDS training run ({@link CdsTraining}): a GitHub-like API on a loopback port, so that the
 * archive holds the classes of the paths a real first request takes (a stored 200, a revalidation answered 304,
 * a stored 404, a stale answer on a 5xx), not only those of a refused connection. Without them the first request
 * after startup loaded about 120 classes from the jar and bootstrapped record and lambda call sites (318 classes
 * loaded from outside the archive in a startup and first request before, 245 after, nearly all LambdaForms, which
 * a JDK 17 dynamic archive does not keep). The first request still takes 0.1-0.25 s: it runs in the interpreter.
 *
 * <p>{@code GET} {@link #REPO}: a gzip (or plain) JSON body with GitHub's validators and headers, {@code 304} on a
 * matching {@code If-None-Match}; {@link #MISSING}: {@code 404}; {@link #FLAKY}: {@code 200} once, then
 * {@code 503}; any other method: {@code 201}. Every request is recorded as {@code "METHOD path[ conditional]"}.
 */
final class CdsTrainingUpstream implements AutoCloseable {

    static final String REPO = "/repos/github-cache/cds-training";
    static final String MISSING = "/repos/github-cache/cds-training-missing";
    static final String FLAKY = "/repos/github-cache/cds-training-flaky";
    static final String ETAG = "\"cds-training-1\"";
    private static final String LOOPBACK = "127.0.0.1";

    private static final byte[] JSON = ("{\"id\":1,\"name\":\"cds-training\",\"full_name\":\"github-cache/cds-training\","
            + "\"private\":false,\"description\":\"the CDS archive's training repository\"}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] GZIPPED_JSON = ContentCoding.gzip(JSON);
    private static final byte[] NOT_FOUND = "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com\"}"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNAVAILABLE = "{\"message\":\"Service Unavailable\"}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger flakyRequests = new AtomicInteger();

    private CdsTrainingUpstream(HttpServer server) {
        this.server = server;
    }

    /** Starts it on a free loopback port. */
    static CdsTrainingUpstream start() throws IOException {
        // 127.0.0.1 by name, not getLoopbackAddress(): with IPv6 preferred that is ::1, and the URL below would
        // need brackets
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 16);
        CdsTrainingUpstream upstream = new CdsTrainingUpstream(server);
        server.createContext("/", upstream::handle);
        server.start();
        return upstream;
    }

    String baseUrl() {
        return "http://" + LOOPBACK + ":" + server.getAddress().getPort();
    }

    /** What it received, in order. */
    List<String> received() {
        return List.copyOf(received);
    }

    /** Stops listening, so that the next proxied request meets a refused connection. */
    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Headers in = exchange.getRequestHeaders();
            boolean conditional = in.containsKey("If-None-Match") || in.containsKey("If-Modified-Since");
            received.add(method + " " + path + (conditional ? " conditional" : ""));
            exchange.getRequestBody().readAllBytes();
            Headers out = exchange.getResponseHeaders();
            out.add("Content-Type", "application/json; charset=utf-8");
            out.add("X-GitHub-Media-Type", "github.v3; format=json");
            out.add("X-RateLimit-Limit", "5000");
            out.add("X-RateLimit-Remaining", "4999");
            out.add("X-RateLimit-Reset", "4102444800");
            out.add("X-RateLimit-Used", "1");
            out.add("X-RateLimit-Resource", "core");
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                send(exchange, 201, JSON);
            } else if (path.equals(MISSING)) {
                send(exchange, 404, NOT_FOUND);
            } else if (path.equals(FLAKY) && flakyRequests.incrementAndGet() > 1) {
                send(exchange, 503, UNAVAILABLE);
            } else {
                out.add("ETag", ETAG);
                out.add("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
                out.add("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP");
                out.add("Vary", "Accept-Encoding, Accept, X-Requested-With");
                out.add("Link", "<" + baseUrl() + path + "?page=2>; rel=\"next\"");
                if (ETAG.equals(in.getFirst("If-None-Match"))) {
                    exchange.sendResponseHeaders(304, -1);
                } else if (String.valueOf(in.getFirst("Accept-Encoding")).contains("gzip")) {
                    out.add("Content-Encoding", "gzip");
                    send(exchange, 200, GZIPPED_JSON);
                } else {
                    send(exchange, 200, JSON);
                }
            }
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = "HEAD".equals(exchange.getRequestMethod()); // none today: the script's HEAD is a hit
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }
}
