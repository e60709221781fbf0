package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.RawResponse;
import io.githubcache.support.UpstreamStub;
import io.githubcache.support.UpstreamStub.Canned;
import io.githubcache.support.UpstreamStub.Failure;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What is stored, for how long, and which request each stored response may answer. */
class CachingEndToEndTest extends StubbedProxyTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void withTheDiskStoreRequestsAreRoutedOnTheEventLoopThatReadThem() {
        assertThat(proxy.routesOnCamelsExecutor()).isFalse();
    }

    @Test
    void okIsCachedForTheTtl() throws Exception {
        HttpResponse<byte[]> first = proxy.get("/repos/o/r");
        proxy.clock().advance(Duration.ofSeconds(59));
        HttpResponse<byte[]> at59 = proxy.get("/repos/o/r");

        assertThat(status(first)).isEqualTo("MISS");
        assertThat(status(at59)).isEqualTo("HIT");
        assertThat(body(at59)).isEqualTo(body(first));
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);

        proxy.clock().advance(Duration.ofSeconds(2));
        HttpResponse<byte[]> at61 = proxy.get("/repos/o/r");

        assertThat(at61.statusCode()).isEqualTo(200);
        assertThat(status(at61)).isNotEqualTo("HIT");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
    }

    @Test
    void redirectIsCached() throws Exception {
        upstream.canned("/repos/o/old", Canned.json(302, "", "Location", "/repos/o/new"));

        HttpResponse<byte[]> first = proxy.get("/repos/o/old");
        HttpResponse<byte[]> second = proxy.get("/repos/o/old");

        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(status(first)).isEqualTo("MISS");
        assertThat(second.statusCode()).isEqualTo(302);
        assertThat(status(second)).isEqualTo("HIT");
        assertThat(second.headers().allValues("Location")).containsExactly("/repos/o/new");
        assertThat(upstream.count("/repos/o/old")).isEqualTo(1);
    }

    @Test
    void notFoundIsCachedForThirtySeconds() throws Exception {
        HttpResponse<byte[]> first = proxy.get("/repos/o/missing");
        proxy.clock().advance(Duration.ofSeconds(29));
        HttpResponse<byte[]> at29 = proxy.get("/repos/o/missing");

        assertThat(first.statusCode()).isEqualTo(404);
        assertThat(status(first)).isEqualTo("MISS");
        assertThat(at29.statusCode()).isEqualTo(404);
        assertThat(status(at29)).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/missing")).isEqualTo(1);

        proxy.clock().advance(Duration.ofSeconds(2));
        HttpResponse<byte[]> at31 = proxy.get("/repos/o/missing");

        assertThat(at31.statusCode()).isEqualTo(404);
        assertThat(status(at31)).isNotEqualTo("HIT");
        assertThat(upstream.count("/repos/o/missing")).isEqualTo(2);
    }

    @Test
    void forbiddenIsNotStored() throws Exception {
        upstream.canned("/repos/o/secret", Canned.json(403, "{\"message\":\"Forbidden\"}"));

        HttpResponse<byte[]> first = proxy.get("/repos/o/secret");
        HttpResponse<byte[]> second = proxy.get("/repos/o/secret");

        assertThat(first.statusCode()).isEqualTo(403);
        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(status(second)).isEqualTo("MISS");
        assertThat(body(second)).isEqualTo("{\"message\":\"Forbidden\"}");
        assertThat(upstream.count("/repos/o/secret")).isEqualTo(2);
    }

    @Test
    void serverErrorWithoutEntryIsPassedOnAndNotStored() throws Exception {
        upstream.failWith(Failure.STATUS_500);

        HttpResponse<byte[]> first = proxy.get("/repos/o/r");
        HttpResponse<byte[]> second = proxy.get("/repos/o/r");

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(status(second)).isEqualTo("MISS");
        assertThat(body(second)).isEqualTo("{\"message\":\"Server Error\"}");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Cache-Control|no-store, private",
        "Cache-Control|no-cache, max-age=0",
        "Expires|Thu, 01 Jan 1970 00:00:00 GMT",
        "Set-Cookie|logged_in=no; Path=/; HttpOnly",
    })
    void upstreamCachingHeadersDoNotPreventStoring(String name, String value) throws Exception {
        upstream.canned("/repos/o/r", Canned.json(200, "{\"id\":1}", name, value));

        HttpResponse<byte[]> first = proxy.get("/repos/o/r");
        HttpResponse<byte[]> second = proxy.get("/repos/o/r");

        assertThat(status(first)).isEqualTo("MISS");
        assertThat(status(second)).isEqualTo("HIT");
        assertThat(body(second)).isEqualTo("{\"id\":1}");
        assertThat(second.headers().allValues(name)).containsExactly(value);
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void responseLargerThanMaxEntrySizeIsProxiedIntactButNotStored() throws Exception {
        try (ProxyHarness small = ProxyHarness.start(upstream.url(), "github.cache.max-entry-size", "1KB")) {
            byte[] random = new byte[12 * 1024];
            new Random(7).nextBytes(random);
            String big = "{\"blob\":\"" + Base64.getEncoder().encodeToString(random) + "\"}";
            upstream.canned("/repos/o/r/big", Canned.json(200, big));
            upstream.canned("/repos/o/r/small", Canned.json(200, "{\"small\":true}"));

            HttpResponse<byte[]> first = small.get("/repos/o/r/big");
            HttpResponse<byte[]> second = small.get("/repos/o/r/big");
            small.get("/repos/o/r/small");
            HttpResponse<byte[]> smallAgain = small.get("/repos/o/r/small");

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(body(first)).isEqualTo(big);
            assertThat(body(second)).isEqualTo(big);
            assertThat(status(second)).isEqualTo("MISS");
            assertThat(second.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("stored");
            assertThat(upstream.count("/repos/o/r/big")).isEqualTo(2);
            // the limit is not a switch that turns the cache off
            assertThat(status(smallAgain)).isEqualTo("HIT");
            assertThat(upstream.count("/repos/o/r/small")).isEqualTo(1);
        }
    }

    @Test
    void headAfterGetIsAHitWithTheRightLengthAndNoBody() throws Exception {
        HttpResponse<byte[]> get = proxy.get("/repos/o/r");

        RawResponse head = RawResponse.exchange(proxy.port(),
                "HEAD /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("X-Github-Cache-Status")).isEqualTo("HIT");
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(get.body().length));
        assertThat(head.raw()).endsWith("\r\n\r\n");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void headFirstIsFetchedAsGetAndTheFollowingGetIsAHit() throws Exception {
        RawResponse head = RawResponse.exchange(proxy.port(),
                "HEAD /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.raw()).endsWith("\r\n\r\n");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
        assertThat(upstream.last().method()).isEqualTo("GET");

        HttpResponse<byte[]> get = proxy.get("/repos/o/r");

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(status(get)).isEqualTo("HIT");
        assertThat(body(get)).contains("\"path\":\"/repos/o/r\"");
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(get.body().length));
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void acceptVariantsAreNeverMixed() throws Exception {
        HttpResponse<byte[]> json = proxy.get("/repos/o/r/readme", "Accept", "application/vnd.github+json");
        HttpResponse<byte[]> raw = proxy.get("/repos/o/r/readme", "Accept", "application/vnd.github.raw");
        HttpResponse<byte[]> jsonAgain = proxy.get("/repos/o/r/readme", "Accept", "application/vnd.github+json");
        HttpResponse<byte[]> rawAgain = proxy.get("/repos/o/r/readme", "Accept", "application/vnd.github.raw");

        assertThat(status(raw)).isEqualTo("MISS");
        assertThat(body(json)).contains("\"accept\":\"application/vnd.github+json\"");
        assertThat(body(raw)).contains("\"accept\":\"application/vnd.github.raw\"");
        assertThat(status(jsonAgain)).isEqualTo("HIT");
        assertThat(status(rawAgain)).isEqualTo("HIT");
        assertThat(body(jsonAgain)).isEqualTo(body(json));
        assertThat(body(rawAgain)).isEqualTo(body(raw));
        assertThat(upstream.count("/repos/o/r/readme")).isEqualTo(2);
    }

    @ParameterizedTest(name = "Vary {0}")
    @ValueSource(strings = {"github-two-lines", "Accept, Authorization", ""})
    void tokensAreNeverMixed(String vary) throws Exception {
        if (!vary.equals("github-two-lines")) {
            upstream.vary(vary);
        }
        String[][] auths = {{"Authorization", "token A"}, {"Authorization", "token B"}, {}};
        String[] firstBodies = new String[3];
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = proxy.get("/user/repos", auths[i]);
            assertThat(status(r)).isEqualTo("MISS");
            firstBodies[i] = body(r);
        }
        assertThat(firstBodies[0]).contains("\"auth\":\"token A\"");
        assertThat(firstBodies[1]).contains("\"auth\":\"token B\"");
        assertThat(firstBodies[2]).contains("\"auth\":\"\"");
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> again = proxy.get("/user/repos", auths[i]);
            assertThat(status(again)).isEqualTo("HIT");
            assertThat(body(again)).isEqualTo(firstBodies[i]);
        }
        assertThat(upstream.count("/user/repos")).isEqualTo(3);
        assertThat(upstream.received().get(2).header("Authorization")).isNull();
    }

    @Test
    void apiVersionsAreSeparateEntries() throws Exception {
        HttpResponse<byte[]> v1 = proxy.get("/repos/o/r", "X-GitHub-Api-Version", "2022-11-28");
        HttpResponse<byte[]> v2 = proxy.get("/repos/o/r", "X-GitHub-Api-Version", "2026-03-10");
        HttpResponse<byte[]> v1Again = proxy.get("/repos/o/r", "X-GitHub-Api-Version", "2022-11-28");
        HttpResponse<byte[]> v2Again = proxy.get("/repos/o/r", "X-GitHub-Api-Version", "2026-03-10");

        assertThat(status(v2)).isEqualTo("MISS");
        assertThat(upstream.received().get(0).header("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
        assertThat(upstream.received().get(1).header("X-GitHub-Api-Version")).isEqualTo("2026-03-10");
        assertThat(body(v1)).isNotEqualTo(body(v2));
        assertThat(status(v1Again)).isEqualTo("HIT");
        assertThat(status(v2Again)).isEqualTo("HIT");
        assertThat(body(v1Again)).isEqualTo(body(v1));
        assertThat(body(v2Again)).isEqualTo(body(v2));
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
    }

    @Test
    void plainClientFirstThenGzipClientShareOneUpstreamRequest() throws Exception {
        HttpResponse<byte[]> plain = proxy.get("/repos/o/r");
        HttpResponse<byte[]> gz = proxy.get("/repos/o/r", "Accept-Encoding", "gzip");

        assertPlainJson(plain);
        assertGzipJson(gz, body(plain));
        assertThat(status(plain)).isEqualTo("MISS");
        assertThat(status(gz)).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
        assertThat(upstream.last().header("Accept-Encoding")).isEqualTo("gzip");
    }

    @Test
    void gzipClientFirstThenPlainClientShareOneUpstreamRequest() throws Exception {
        HttpResponse<byte[]> gz = proxy.get("/repos/o/r", "Accept-Encoding", "gzip, deflate, br");
        HttpResponse<byte[]> plain = proxy.get("/repos/o/r");

        assertPlainJson(plain);
        assertGzipJson(gz, body(plain));
        assertThat(status(gz)).isEqualTo("MISS");
        assertThat(status(plain)).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
        assertThat(upstream.last().header("Accept-Encoding")).isEqualTo("gzip");
    }

    @Test
    void varyStarIsNotStored() throws Exception {
        upstream.canned("/repos/o/r", Canned.json(200, "{\"id\":1}", "Vary", "*"));

        HttpResponse<byte[]> first = proxy.get("/repos/o/r");
        HttpResponse<byte[]> second = proxy.get("/repos/o/r");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(body(second)).isEqualTo("{\"id\":1}");
        assertThat(status(second)).isEqualTo("MISS");
        assertThat(second.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("stored");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
    }

    private static void assertPlainJson(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        JsonNode node = JSON.readTree(r.body());
        assertThat(node.get("path").asText()).isEqualTo("/repos/o/r");
        assertThat(r.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(r.body().length);
    }

    private static void assertGzipJson(HttpResponse<byte[]> r, String expectedJson) throws Exception {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("Content-Encoding")).containsExactly("gzip");
        byte[] decoded;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            decoded = in.readAllBytes();
        }
        assertThat(new String(decoded, StandardCharsets.UTF_8)).isEqualTo(expectedJson);
        assertThat(r.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(r.body().length);
    }
}
