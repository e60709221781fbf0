package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.UpstreamStub;
import io.githubcache.support.UpstreamStub.Canned;
import io.githubcache.support.UpstreamStub.Failure;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cache status headers on every response, bypassing the lookup, never-cached paths, and Link rewriting. */
class StatusAndBypassEndToEndTest extends StubbedProxyTest {


    @Test
    void missAndHitCarryBothStatusHeaders() throws Exception {
        HttpResponse<byte[]> miss = proxy.get("/repos/o/r");
        HttpResponse<byte[]> hit = proxy.get("/repos/o/r");

        assertThat(miss.headers().allValues("X-Github-Cache-Status")).containsExactly("MISS");
        assertThat(miss.headers().allValues("Cache-Status"))
                .containsExactly("github-cache; fwd=uri-miss; fwd-status=200; stored");
        assertThat(hit.headers().allValues("X-Github-Cache-Status")).containsExactly("HIT");
        assertThat(hit.headers().allValues("Cache-Status")).containsExactly("github-cache; hit; ttl=60");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(1);
    }

    @Test
    void notFoundCarriesBothStatusHeaders() throws Exception {
        HttpResponse<byte[]> r = proxy.get("/repos/o/missing");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().allValues("X-Github-Cache-Status")).containsExactly("MISS");
        assertThat(r.headers().allValues("Cache-Status"))
                .containsExactly("github-cache; fwd=uri-miss; fwd-status=404; stored");
        assertThat(upstream.count()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Failure.class, names = {"STATUS_500", "STATUS_502", "STATUS_503", "STATUS_504"})
    void upstreamServerErrorCarriesBothStatusHeaders(Failure failure) throws Exception {
        int code = Integer.parseInt(failure.name().substring(7));
        upstream.failWith(failure);

        HttpResponse<byte[]> r = proxy.get("/repos/o/r");

        assertThat(r.statusCode()).isEqualTo(code);
        assertThat(r.headers().allValues("X-Github-Cache-Status")).containsExactly("MISS");
        assertThat(r.headers().allValues("Cache-Status"))
                .containsExactly("github-cache; fwd=uri-miss; fwd-status=" + code);
        assertThat(upstream.count()).isEqualTo(1);
    }

    @Test
    void proxyMadeBadGatewayCarriesBothStatusHeaders() throws Exception {
        upstream.failWith(Failure.RESET);

        HttpResponse<byte[]> r = proxy.get("/repos/o/r");

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(body(r)).contains("\"message\"");
        assertThat(r.headers().allValues("X-Github-Cache-Status")).containsExactly("MISS");
        assertThat(r.headers().allValues("Cache-Status")).containsExactly("github-cache; fwd=uri-miss");
        assertThat(upstream.count()).isEqualTo(1);
    }

    @Test
    void proxyMadeGatewayTimeoutCarriesBothStatusHeaders() throws Exception {
        try (ProxyHarness quick = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "1s")) {
            upstream.failWith(Failure.HANG);

            HttpResponse<byte[]> r = quick.get("/repos/o/r");

            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(body(r)).contains("\"message\"");
            assertThat(r.headers().allValues("X-Github-Cache-Status")).containsExactly("MISS");
            assertThat(r.headers().allValues("Cache-Status")).containsExactly("github-cache; fwd=uri-miss");
            assertThat(upstream.count()).isEqualTo(1);
        }
    }

    @Test
    void writeCarriesBothStatusHeaders() throws Exception {
        HttpResponse<byte[]> r = proxy.send("POST", "/repos/o/r/issues", "{}".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().allValues("X-Github-Cache-Status")).containsExactly("BYPASS");
        assertThat(r.headers().allValues("Cache-Status"))
                .containsExactly("github-cache; fwd=bypass; fwd-status=201");
        assertThat(upstream.count()).isEqualTo(1);
    }

    @Test
    void pragmaBypassesAFreshEntryAndStoresTheNewResponse() throws Exception {
        HttpResponse<byte[]> first = proxy.get("/repos/o/r");
        upstream.change("/repos/o/r");

        HttpResponse<byte[]> bypass = proxy.get("/repos/o/r", "Pragma", "no-cache");

        assertThat(body(first)).contains("\"version\":1");
        assertThat(bypass.statusCode()).isEqualTo(200);
        assertThat(status(bypass)).isEqualTo("BYPASS");
        assertThat(body(bypass)).contains("\"version\":2");
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
        assertThat(upstream.last().header("If-None-Match")).isNull();

        HttpResponse<byte[]> after = proxy.get("/repos/o/r");

        assertThat(status(after)).isEqualTo("HIT");
        assertThat(body(after)).isEqualTo(body(bypass));
        assertThat(upstream.count("/repos/o/r")).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/rate_limit", "/rate_limit?x=1"})
    void rateLimitIsAlwaysForwardedAndNeverStored(String target) throws Exception {
        for (int i = 1; i <= 3; i++) {
            HttpResponse<byte[]> r = proxy.get(target);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(status(r)).isEqualTo("BYPASS");
            assertThat(r.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("stored");
            assertThat(body(r)).contains("\"n\":" + i);
            assertThat(upstream.count("/rate_limit")).isEqualTo(i);
        }
        assertThat(upstream.received()).allMatch(r -> r.rawUri().equals(target));
    }

    /** A credential in the query would otherwise sit in clear in the cache key, on disk and in Redis. */
    @Test
    void readsWithACredentialInTheQueryAreForwardedAndNeverStored() throws Exception {
        String target = "/repos/o/cred?page=2&access_token=ghp_QUERYSECRET";
        for (int i = 1; i <= 2; i++) {
            HttpResponse<byte[]> r = proxy.get(target);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(status(r)).isEqualTo("BYPASS");
            assertThat(upstream.count("/repos/o/cred")).isEqualTo(i);
        }
        assertThat(proxy.app().services().cache().store().removeIf(k -> k.contains("QUERYSECRET"))).isZero();
    }

    @ParameterizedTest(name = "one Link line: {0}")
    @ValueSource(booleans = {true, false})
    void everyUpstreamUrlInLinkIsRewrittenToTheProxyByDefault(boolean oneLine) throws Exception {
        String publicBase = "http://localhost:" + proxy.port();
        assertLinksRewritten(proxy, oneLine, publicBase);
    }

    @Test
    void linkIsRewrittenToTheConfiguredBaseUrl() throws Exception {
        try (ProxyHarness configured = ProxyHarness.start(upstream.url(),
                "github.cache.base-url", "https://cache.example.test")) {
            assertLinksRewritten(configured, true, "https://cache.example.test");
        }
    }

    private void assertLinksRewritten(ProxyHarness p, boolean oneLine, String publicBase) throws Exception {
        String u = upstream.url();
        String[] rels = {"next", "last", "first", "prev", "other"};
        List<String> upstreamLinks = new ArrayList<>();
        List<String> expectedLinks = new ArrayList<>();
        for (int i = 0; i < rels.length; i++) {
            upstreamLinks.add("<" + u + "/repos/o/r/issues?page=" + (i + 2) + ">; rel=\"" + rels[i] + "\"");
            expectedLinks.add("<" + publicBase + "/repos/o/r/issues?page=" + (i + 2) + ">; rel=\"" + rels[i] + "\"");
        }
        List<String> headerPairs = new ArrayList<>();
        if (oneLine) {
            headerPairs.add("Link");
            headerPairs.add(String.join(", ", upstreamLinks));
        } else {
            for (String l : upstreamLinks) {
                headerPairs.add("Link");
                headerPairs.add(l);
            }
        }
        headerPairs.add("Location");
        headerPairs.add(u + "/repos/o/r/issues?page=2");
        String json = "{\"url\":\"" + u + "/repos/o/r/issues?page=2\"}";
        upstream.canned("/repos/o/r/issues", Canned.json(200, json, headerPairs.toArray(String[]::new)));
        List<String> expected = oneLine ? List.of(String.join(", ", expectedLinks)) : expectedLinks;

        HttpResponse<byte[]> miss = p.get("/repos/o/r/issues");
        HttpResponse<byte[]> hit = p.get("/repos/o/r/issues");

        for (HttpResponse<byte[]> r : List.of(miss, hit)) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().allValues("Link")).containsExactlyElementsOf(expected);
            assertThat(String.join(",", r.headers().allValues("Link"))).doesNotContain(u);
            assertThat(r.headers().allValues("Location")).containsExactly(u + "/repos/o/r/issues?page=2");
            assertThat(body(r)).isEqualTo(json);
        }
        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(upstream.count("/repos/o/r/issues")).isEqualTo(1);
    }
}
