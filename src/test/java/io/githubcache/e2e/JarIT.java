package io.githubcache.e2e;

import static io.githubcache.support.JarProcess.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.githubcache.support.AccessLogFields;
import io.githubcache.support.JarProcess;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packaged jar, started as operators start it ({@code java -jar}, configuration from environment variables
 * only): access log format on stdout, no token leaks, refusal of bad settings without a stack trace, the
 * startup settings line, {@code OD_GITHUBCACHE_BASE_URL} and {@code GITHUB_CACHE_TTL}.
 */
class JarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One jar shared by the tests that only need it running (JVM starts are slow on a shared machine). */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Running {

        private static final String TOKEN = "ghp_SECRET123";

        private UpstreamStub upstream;
        private JarProcess jar;
        /** Requests sent to the jar so far: the access log must have exactly this many lines. */
        private final AtomicInteger sent = new AtomicInteger();

        @BeforeAll
        void start() throws Exception {
            upstream = new UpstreamStub();
            jar = JarProcess.start("running", env(
                    "PORT", Integer.toString(ProxyHarness.freePort()),
                    "GITHUB_CACHE_UPSTREAM_URL", upstream.url(),
                    "GITHUB_CACHE_LOCK_AGE", "7s",
                    "OD_GITHUBCACHE_BASE_URL", "https://cache.example.test"));
        }

        @AfterAll
        void stop() {
            if (jar != null) {
                jar.close();
            }
            upstream.close();
        }

        private HttpResponse<String> get(String target, String... headerPairs) throws Exception {
            sent.incrementAndGet();
            return send(jar, target, headerPairs);
        }

        private List<String> awaitAccessLogLines() {
            await("one access log line per request").atMost(Duration.ofSeconds(10))
                    .until(() -> jar.stdoutLines().size() >= sent.get());
            await("no further stdout lines").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                    .until(() -> jar.stdoutLines().size() == sent.get());
            return jar.stdoutLines();
        }

        @Test
        void accessLogIsOneJsonLinePerRequestWithNginxFieldsAndNoToken() throws Exception {
            int before = awaitAccessLogLines().size();

            HttpResponse<String> miss = get("/repos/o/r", "User-Agent", "jar-it/1.0");
            HttpResponse<String> hit = get("/repos/o/r", "User-Agent", "jar-it/1.0");
            HttpResponse<String> authed = get("/user", "User-Agent", "jar-it/1.0", "Authorization", "token " + TOKEN);

            assertThat(miss.statusCode()).isEqualTo(200);
            assertThat(status(miss)).isEqualTo("MISS");
            assertThat(status(hit)).isEqualTo("HIT");
            assertThat(hit.body()).isEqualTo(miss.body());
            assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
            assertThat(authed.statusCode()).isEqualTo(200);
            assertThat(upstream.last().header("Authorization")).as("the token did reach the upstream")
                    .isEqualTo("token " + TOKEN);

            List<String> all = awaitAccessLogLines();
            assertThat(all).hasSize(before + 3);
            List<JsonNode> lines = new ArrayList<>();
            for (String l : all.subList(before, all.size())) {
                lines.add(JSON.readTree(l));
            }
            for (JsonNode line : lines) {
                assertThat(line.isObject()).isTrue();
                List<String> names = new ArrayList<>();
                line.fieldNames().forEachRemaining(names::add);
                assertThat(names).containsAll(AccessLogFields.NGINX_IMAGE);
                assertThat(line.get("remote_addr").asText()).isEqualTo("127.0.0.1");
                assertThat(line.get("time_local").asText())
                        .matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}");
                assertThat(line.get("status").asInt()).isEqualTo(200);
                assertThat(line.get("user_agent").asText()).isEqualTo("jar-it/1.0");
                assertThat(line.get("request_time").asText()).matches("\\d+\\.\\d{3}");
                assertThat(line.get("X-Ratelimit-Limit").asText()).isEqualTo("5000");
            }
            JsonNode l1 = lines.get(0);
            JsonNode l2 = lines.get(1);
            JsonNode l3 = lines.get(2);
            assertThat(l1.get("request").asText()).isEqualTo("GET /repos/o/r HTTP/1.1");
            assertThat(l1.get("X-Github-Cache-Status").asText()).isEqualTo("MISS");
            assertThat(l1.get("upstream_status").asText()).isEqualTo("200");
            assertThat(l1.get("Etag").asText()).isEqualTo(miss.headers().firstValue("ETag").orElseThrow());
            assertThat(l1.get("github_token_fingerprint").asText()).isEqualTo("-");
            assertThat(l2.get("request").asText()).isEqualTo("GET /repos/o/r HTTP/1.1");
            assertThat(l2.get("X-Github-Cache-Status").asText()).isEqualTo("HIT");
            assertThat(l2.get("upstream_status").asText()).isEqualTo("-");
            assertThat(l3.get("request").asText()).isEqualTo("GET /user HTTP/1.1");
            assertThat(l3.get("github_token_fingerprint").asText()).matches("[0-9a-f]{6,16}");

            assertThat(jar.stdout()).doesNotContain(TOKEN).doesNotContain("SECRET");
            assertThat(jar.stderr()).doesNotContain(TOKEN).doesNotContain("SECRET");
        }

        @Test
        void startupLogsTheEffectiveSettingsOnce() {
            List<String> settingsLines = Arrays.stream(jar.stderr().split("\n"))
                    .filter(l -> l.contains("github-cache settings")).toList();

            assertThat(settingsLines).hasSize(1);
            assertThat(settingsLines.get(0))
                    .contains("upstream-url=" + upstream.url())
                    .contains("lock-age=7s")
                    .contains("base-url=https://cache.example.test")
                    .contains("ttl=1m");
            assertThat(awaitAccessLogLines()).as("stdout carries only access log lines").hasSize(sent.get());
        }

        @Test
        void baseUrlFromOdGithubcacheBaseUrlIsWrittenIntoLinkHeaders() throws Exception {
            String next = "<" + upstream.url() + "/repositories?since=369>; rel=\"next\", <" + upstream.url()
                    + "/repositories{?since}>; rel=\"first\"";
            upstream.canned("/repositories", UpstreamStub.Canned.json(200, "[]", "Link", next, "ETag", "\"repos\""));

            HttpResponse<String> miss = get("/repositories");
            HttpResponse<String> hit = get("/repositories");

            String expected = "<https://cache.example.test/repositories?since=369>; rel=\"next\", "
                    + "<https://cache.example.test/repositories{?since}>; rel=\"first\"";
            assertThat(status(miss)).isEqualTo("MISS");
            assertThat(status(hit)).isEqualTo("HIT");
            assertThat(miss.headers().allValues("Link")).containsExactly(expected);
            assertThat(hit.headers().allValues("Link")).containsExactly(expected);
            assertThat(upstream.count("/repositories")).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "GITHUB_CACHE_TTL, abc, github.cache.ttl, GITHUB_CACHE_TTL",
        "GITHUB_CACHE_UPSTREAM_URL, notaurl, github.cache.upstream-url, GITHUB_CACHE_UPSTREAM_URL",
        "PORT, 70000, github.cache.port, ",
        "GITHUB_CACHE_MAX_RESPONSE_SIZE, 0, github.cache.max-response-size, GITHUB_CACHE_MAX_RESPONSE_SIZE",
        "GITHUB_CACHE_SHUTDOWN_TIMEOUT, soon, github.cache.shutdown-timeout, GITHUB_CACHE_SHUTDOWN_TIMEOUT",
    })
    void badSettingStopsStartupWithOneLineAndNoStackTrace(String var, String value, String key, String envName)
            throws Exception {
        Map<String, String> env = env("PORT", Integer.toString(ProxyHarness.freePort()),
                "GITHUB_CACHE_UPSTREAM_URL", "http://127.0.0.1:9");
        env.put(var, value);
        try (JarProcess jar = JarProcess.launch("bad-" + var, env)) {
            Integer exit = jar.awaitExit(Duration.ofSeconds(30));

            String stderr = jar.stderr();
            assertThat(exit).as("the process exits by itself; stderr:%n%s", stderr).isNotNull();
            assertThat(exit).as("exit code; stderr:%n%s", stderr).isEqualTo(2);
            assertThat(stderr).as("no signal was sent").doesNotContain("SIGTERM");
            List<String> naming = Arrays.stream(stderr.split("\n"))
                    .filter(l -> l.contains(key) && l.contains("'" + value + "'")
                            && (envName == null || l.contains(envName)))
                    .toList();
            assertThat(naming).as("one line naming %s and '%s' in stderr:%n%s", key, value, stderr).hasSize(1);
            assertThat(stderr).as("no Java stack trace").doesNotContain("\tat ").doesNotContain("Exception in thread");
        }
    }

    @Test
    void ttlFromTheEnvironmentMakesEntriesExpireAfterOneSecond() throws Exception {
        try (UpstreamStub upstream = new UpstreamStub();
                JarProcess jar = JarProcess.start("ttl", env(
                        "PORT", Integer.toString(ProxyHarness.freePort()),
                        "GITHUB_CACHE_UPSTREAM_URL", upstream.url(),
                        "GITHUB_CACHE_TTL", "1"))) {
            long sent = System.nanoTime();
            HttpResponse<String> miss = send(jar, "/repos/o/ttl");
            assertThat(status(miss)).isEqualTo("MISS");

            AtomicReference<HttpResponse<String>> notHit = new AtomicReference<>();
            await("an answer that is no longer HIT").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        HttpResponse<String> r = send(jar, "/repos/o/ttl");
                        notHit.set(r);
                        return !"HIT".equals(status(r));
                    });
            Duration expiredAfter = Duration.ofNanos(System.nanoTime() - sent);

            assertThat(status(notHit.get())).isEqualTo("REVALIDATED");
            assertThat(notHit.get().body()).isEqualTo(miss.body());
            assertThat(expiredAfter).as("ttl=1 is one second (bare numbers are seconds), not the 1m default")
                    .isBetween(Duration.ofMillis(1000), Duration.ofSeconds(15));
            assertThat(upstream.count("/repos/o/ttl")).as("the fill and one revalidation; HITs in between").isEqualTo(2);
        }
    }

    private static HttpResponse<String> send(JarProcess jar, String target, String... headerPairs) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(jar.url() + target)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        return CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("X-Github-Cache-Status").orElse(null);
    }
}
