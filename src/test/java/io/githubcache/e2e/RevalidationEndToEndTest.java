package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.UpstreamStub;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Expired entries are revalidated with their own validators; a 304 renews them, a 200 replaces them. */
class RevalidationEndToEndTest extends StubbedProxyTest {

    private static final String PATH = "/repos/o/r";


    @Test
    void clientsIfNoneMatchIsNotForwardedWhenFillingTheCache() throws Exception {
        HttpResponse<byte[]> r = proxy.get(PATH, "If-None-Match", "\"client-tag\"");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(status(r)).isEqualTo("MISS");
        assertThat(upstream.count(PATH)).isEqualTo(1);
        assertThat(upstream.last().header("If-None-Match")).isNull();
    }

    @Test
    void expiredEntryIsRevalidatedWithTheStoredEtagInsteadOfTheClients() throws Exception {
        HttpResponse<byte[]> first = proxy.get(PATH);
        String storedEtag = first.headers().firstValue("ETag").orElseThrow();
        proxy.clock().advance(Duration.ofSeconds(61));

        HttpResponse<byte[]> again = proxy.get(PATH, "If-None-Match", "\"client-tag\"");

        assertThat(upstream.count(PATH)).isEqualTo(2);
        assertThat(upstream.last().headerLines("If-None-Match")).containsExactly(storedEtag);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(status(again)).isEqualTo("REVALIDATED");
    }

    @Test
    void notModifiedServesTheCachedBodyAndRenewsTheEntryForAnotherTtl() throws Exception {
        HttpResponse<byte[]> first = proxy.get(PATH);
        proxy.clock().advance(Duration.ofSeconds(61));

        HttpResponse<byte[]> revalidated = proxy.get(PATH);

        assertThat(revalidated.statusCode()).isEqualTo(200);
        assertThat(status(revalidated)).isEqualTo("REVALIDATED");
        assertThat(body(revalidated)).isEqualTo(body(first));
        assertThat(upstream.count(PATH)).isEqualTo(2);

        HttpResponse<byte[]> rightAfter = proxy.get(PATH);
        proxy.clock().advance(Duration.ofSeconds(59));
        HttpResponse<byte[]> at59 = proxy.get(PATH);

        assertThat(status(rightAfter)).isEqualTo("HIT");
        assertThat(status(at59)).isEqualTo("HIT");
        assertThat(body(at59)).isEqualTo(body(first));
        assertThat(upstream.count(PATH)).isEqualTo(2);

        proxy.clock().advance(Duration.ofSeconds(2));
        HttpResponse<byte[]> at61 = proxy.get(PATH);

        assertThat(status(at61)).isEqualTo("REVALIDATED");
        assertThat(upstream.count(PATH)).isEqualTo(3);
    }

    @Test
    void changedResourceAfterTtlIsExpiredWithTheNewBodyThenHit() throws Exception {
        HttpResponse<byte[]> first = proxy.get(PATH);
        upstream.change(PATH);
        proxy.clock().advance(Duration.ofSeconds(61));

        HttpResponse<byte[]> expired = proxy.get(PATH);

        assertThat(body(first)).contains("\"version\":1");
        assertThat(expired.statusCode()).isEqualTo(200);
        assertThat(status(expired)).isEqualTo("EXPIRED");
        assertThat(body(expired)).contains("\"version\":2");
        assertThat(expired.headers().firstValue("ETag")).isNotEqualTo(first.headers().firstValue("ETag"));
        assertThat(upstream.count(PATH)).isEqualTo(2);

        HttpResponse<byte[]> hit = proxy.get(PATH);

        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(body(hit)).isEqualTo(body(expired));
        assertThat(upstream.count(PATH)).isEqualTo(2);
    }

    @Test
    void notModifiedReplacesTheStoredRateLimitAndRequestIdHeaders() throws Exception {
        HttpResponse<byte[]> first = proxy.get(PATH);
        proxy.clock().advance(Duration.ofSeconds(61));

        HttpResponse<byte[]> revalidated = proxy.get(PATH);
        HttpResponse<byte[]> hit = proxy.get(PATH);

        assertThat(first.headers().allValues("X-GitHub-Request-Id")).containsExactly("REQ-1");
        assertThat(first.headers().allValues("X-RateLimit-Remaining")).containsExactly("4999");
        assertThat(status(revalidated)).isEqualTo("REVALIDATED");
        assertThat(revalidated.headers().allValues("X-GitHub-Request-Id")).containsExactly("REQ-2");
        assertThat(revalidated.headers().allValues("X-RateLimit-Remaining")).containsExactly("4998");
        assertThat(status(hit)).isEqualTo("HIT");
        assertThat(hit.headers().allValues("X-GitHub-Request-Id")).containsExactly("REQ-2");
        assertThat(hit.headers().allValues("X-RateLimit-Remaining")).containsExactly("4998");
        // headers that describe the stored body are kept
        assertThat(hit.headers().allValues("Content-Type")).containsExactly("application/json; charset=utf-8");
        assertThat(hit.headers().allValues("ETag")).isEqualTo(first.headers().allValues("ETag"));
        assertThat(body(hit)).isEqualTo(body(first));
        assertThat(upstream.count(PATH)).isEqualTo(2);
    }
}
