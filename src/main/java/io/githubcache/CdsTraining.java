package io.githubcache;

import io.githubcache.config.Settings;
import io.githubcache.http.HeaderNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code java -XX:ArchiveClassesAtExit=github-cache.jsa -jar github-cache.jar --cds-training-run}: the training run
 * of the AppCDS archive that {@code mvn package} and the container image build next to the jar.
 *
 * <p>Why it exists: loading and verifying Camel's, Netty's and Vert.x's classes from the 28 MB jar is most of the
 * startup time (about 3.8 s to the first served request without the archive, about 1.9 s with it). A dynamic CDS
 * archive holds the classes one run loaded, already parsed and verified; the JVM dumps it when that run exits. So
 * this run starts the application as usual, sends it a few requests through real sockets so that the request path
 * is loaded too, stops it and exits.
 *
 * <p>It is hermetic: the proxy and the management server on free ports, a fresh cache directory (deleted
 * afterwards), only the route file packaged in the jar (not the working directory's {@code routes/}, whose extra
 * upstreams may name fixed ports), and as upstream a GitHub-like server on a loopback port
 * ({@link CdsTrainingUpstream}), stopped before the last proxied requests so that the refused-connection path is
 * loaded as well. Nothing leaves the machine, and the run does not wait: it moves its clock past the TTLs.
 */
final class CdsTraining {

    /** The argument of {@code java -jar github-cache.jar} that selects this run. */
    static final String ARGUMENT = "--cds-training-run";

    private static final String LOOPBACK = "127.0.0.1";

    /**
     * Status and cache status of each answer of {@link #train}, in order. Another answer means a path of the
     * route was not taken, so the archive lacks its classes: the run still succeeds, with a warning.
     */
    static final List<String> EXPECTED = List.of("200 MISS", "200 HIT", "200 HIT", "200 HIT", "304 HIT",
            "404 MISS", "200 MISS", "201 BYPASS", "200 REVALIDATED", "200 STALE", "404 STALE", "502 MISS",
            "200 -", "200 -");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What one training run did: each request as {@code "METHOD <url>[ header: value] -> <status> <cache status>"},
     * what the training upstream received ({@link CdsTrainingUpstream#received()}), and the cache directory it used
     * (gone by then).
     */
    record Result(List<String> requests, List<String> upstreamReceived, Path cacheDir) {

        /** The requests whose answer was not the one {@link #EXPECTED} names for it; empty when all were. */
        List<String> unexpected() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < Math.max(requests.size(), EXPECTED.size()); i++) {
                String request = i < requests.size() ? requests.get(i) : "(not sent)";
                String expected = i < EXPECTED.size() ? EXPECTED.get(i) : "(nothing)";
                if (!request.endsWith(" -> " + expected)) {
                    out.add(request + " (expected " + expected + ")");
                }
            }
            return out;
        }

        String summary() {
            return "github-cache " + ARGUMENT + ": started on free loopback ports with cache directory " + cacheDir
                    + " (deleted) and a loopback training upstream, sent " + String.join(", ", requests)
                    + ", stopped";
        }
    }

    /** Thrown when the application did not start: the training run has nothing to archive. */
    static final class NotStartedException extends Exception {
        NotStartedException(Exception cause) {
            super("the application did not start: " + cause, cause);
        }
    }

    private CdsTraining() {
    }

    /** Starts the application, sends it the training requests, stops it and deletes its cache directory. */
    static Result run() throws Exception {
        return run(Map.of());
    }

    /** {@link #run()} with more settings over the training ones (tests). */
    static Result run(Map<String, String> moreSettings) throws Exception {
        Path cacheDir = Files.createTempDirectory("github-cache-cds-training");
        try (CdsTrainingUpstream upstream = CdsTrainingUpstream.start()) {
            int port = freePort();
            int managementPort = freePort(port);
            Map<String, String> settings = new HashMap<>();
            settings.put("github.cache.port", Integer.toString(port));
            settings.put("github.cache.store", "disk"); // not a Redis the environment may name
            settings.put("github.cache.dir", cacheDir.toString());
            settings.put("github.cache.upstream-url", upstream.baseUrl());
            settings.put("camel.management.host", LOOPBACK);
            settings.put("camel.management.port", Integer.toString(managementPort));
            settings.put(GithubCacheMain.ROUTES_PATTERN_KEY, "classpath:" + GithubCacheMain.PACKAGED_ROUTES);
            settings.putAll(moreSettings);
            SteppedClock clock = new SteppedClock();
            GithubCacheMain app = new GithubCacheMain(settings, clock);
            try {
                app.start();
            } catch (Exception e) {
                NotStartedException failure = new NotStartedException(e);
                try {
                    app.stop(); // release what the failed start took (ports, the store's directory lock)
                } catch (Exception stopFailure) {
                    failure.addSuppressed(stopFailure);
                }
                throw failure;
            }
            try {
                Settings effective = app.services().settings();
                // past both TTLs as this run has them (GITHUB_CACHE_* variables of the build's environment win over
                // the settings above; a setting that changes the answers shows as a warning, see EXPECTED)
                Duration pastTtls = (effective.ttl().compareTo(effective.ttl404()) > 0 ? effective.ttl()
                        : effective.ttl404()).plusSeconds(1);
                return train(new Client("http://" + LOOPBACK + ":" + port, "http://" + LOOPBACK + ":" + managementPort),
                        upstream, clock, pastTtls, cacheDir);
            } finally {
                app.stop();
            }
        } finally {
            deleteRecursively(cacheDir);
        }
    }

    /**
     * The requests of a day's work, in an order that takes each path of the route once: a miss stored, hits (gzip,
     * plain, {@code HEAD}, a client's own {@code If-None-Match}), a {@code 404} stored, a write passed on; then,
     * with the clock a TTL further, a revalidation answered {@code 304} and a stale answer on a {@code 503}; then,
     * with the upstream gone, a stale answer and a {@code 502} on refused connections; then the management server.
     */
    private static Result train(Client c, CdsTrainingUpstream upstream, SteppedClock clock, Duration pastTtls,
            Path cacheDir)
            throws IOException, InterruptedException {
        String repo = c.proxy + CdsTrainingUpstream.REPO;
        c.send("GET", repo, "Accept-Encoding", "gzip");
        c.send("GET", repo, "Accept-Encoding", "gzip");
        c.send("GET", repo);
        c.send("HEAD", repo, "Accept-Encoding", "gzip");
        c.send("GET", repo, "If-None-Match", CdsTrainingUpstream.ETAG);
        c.send("GET", c.proxy + CdsTrainingUpstream.MISSING);
        c.send("GET", c.proxy + CdsTrainingUpstream.FLAKY, "Accept-Encoding", "gzip");
        c.send("POST", c.proxy + CdsTrainingUpstream.REPO + "/issues");
        clock.advance(pastTtls);
        c.send("GET", repo, "Accept-Encoding", "gzip");
        c.send("GET", c.proxy + CdsTrainingUpstream.FLAKY, "Accept-Encoding", "gzip");
        upstream.close();
        c.send("GET", c.proxy + CdsTrainingUpstream.MISSING);
        c.send("GET", c.proxy + "/repos/github-cache/cds-training-never-seen");
        c.send("GET", c.management + "/observe/health");
        c.send("GET", c.management + "/observe/metrics");
        return new Result(List.copyOf(c.requests), upstream.received(), cacheDir);
    }

    /** {@link Application#main} with {@link #ARGUMENT}: the exit code of the run. */
    static int runAndReport() {
        try {
            Result result = run();
            System.err.println(result.summary());
            List<String> unexpected = result.unexpected();
            if (!unexpected.isEmpty()) {
                System.err.println("github-cache " + ARGUMENT + " warning: answers other than expected, the archive may"
                        + " lack the classes of their paths: " + String.join(", ", unexpected));
            }
            return 0;
        } catch (NotStartedException e) {
            System.err.println("github-cache " + ARGUMENT + " failed: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("github-cache " + ARGUMENT + " failed: " + e);
            return 1;
        }
    }

    /** Sends the training requests one at a time and notes each answer; no answer at all fails the run. */
    private static final class Client {
        private final String proxy;
        private final String management;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT).proxy(HttpClient.Builder.NO_PROXY).build();
        private final List<String> requests = new ArrayList<>();

        Client(String proxy, String management) {
            this.proxy = proxy;
            this.management = management;
        }

        void send(String method, String url, String... headers) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                    .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                            : HttpRequest.BodyPublishers.noBody());
            if (headers.length > 0) {
                request.headers(headers);
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            String cacheStatus = response.headers().firstValue(HeaderNames.X_GITHUB_CACHE_STATUS).orElse("-");
            requests.add(method + " " + url + (headers.length > 0 ? " " + String.join(": ", headers) : "")
                    + " -> " + response.statusCode() + " " + cacheStatus);
        }
    }

    /** The system clock plus an offset the run moves forward, to expire what it stored without waiting. */
    private static final class SteppedClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** A port that was free a moment ago and is none of {@code taken}. */
    static int freePort(int... taken) throws IOException {
        while (true) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                port = s.getLocalPort();
            }
            if (Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
