package io.githubcache;

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
 * upstreams may name fixed ports), and an upstream URL on a loopback port nothing listens on, so the proxied
 * requests are answered 502 at once and nothing leaves the machine.
 */
final class CdsTraining {

    /** The argument of {@code java -jar github-cache.jar} that selects this run. */
    static final String ARGUMENT = "--cds-training-run";

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What one training run did: each request as {@code "GET <url> -> <status>"}, the statuses alone, and the cache
     * directory it used (gone by then).
     */
    record Result(List<String> requests, List<Integer> statuses, Path cacheDir) {

        String summary() {
            return "github-cache " + ARGUMENT + ": started on free loopback ports with cache directory " + cacheDir
                    + " (deleted) and an unreachable upstream, sent " + String.join(", ", requests) + ", stopped";
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
        try {
            int port = freePort();
            int managementPort = freePort(port);
            Map<String, String> settings = new HashMap<>();
            settings.put("github.cache.port", Integer.toString(port));
            settings.put("github.cache.store", "disk"); // not a Redis the environment may name
            settings.put("github.cache.dir", cacheDir.toString());
            settings.put("github.cache.upstream-url", "http://" + LOOPBACK + ":" + freePort(port, managementPort));
            settings.put("camel.management.host", LOOPBACK);
            settings.put("camel.management.port", Integer.toString(managementPort));
            settings.put(GithubCacheMain.ROUTES_PATTERN_KEY, "classpath:" + GithubCacheMain.PACKAGED_ROUTES);
            settings.putAll(moreSettings);
            GithubCacheMain app = new GithubCacheMain(settings, Clock.systemUTC());
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
                String proxy = "http://" + LOOPBACK + ":" + port;
                String management = "http://" + LOOPBACK + ":" + managementPort;
                return send(cacheDir, proxy + "/repos/github-cache/cds-training",
                        proxy + "/repos/github-cache/cds-training", management + "/observe/health",
                        management + "/observe/metrics");
            } finally {
                app.stop();
            }
        } finally {
            deleteRecursively(cacheDir);
        }
    }

    /** {@link Application#main} with {@link #ARGUMENT}: the exit code of the run. */
    static int runAndReport() {
        try {
            System.err.println(run().summary());
            return 0;
        } catch (NotStartedException e) {
            System.err.println("github-cache " + ARGUMENT + " failed: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("github-cache " + ARGUMENT + " failed: " + e);
            return 1;
        }
    }

    /** GETs each URL in turn; any HTTP answer counts (the classes are loaded), no answer fails the run. */
    private static Result send(Path cacheDir, String... urls) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT).build();
        List<String> requests = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        for (String url : urls) {
            HttpRequest get = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build();
            int status = client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
            requests.add("GET " + url + " -> " + status);
            statuses.add(status);
        }
        return new Result(List.copyOf(requests), List.copyOf(statuses), cacheDir);
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
