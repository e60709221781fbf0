package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** While GitHub refuses a token, the proxy answers from the cache or replays the refusal: no doomed requests. */
class RateLimitEndToEndTest {

    private UpstreamStub upstream;
    private ProxyHarness proxy;

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        upstream.close();
    }

    private void start(String... settings) throws Exception {
        upstream = new UpstreamStub();
        proxy = ProxyHarness.start(upstream.url(), settings);
    }

    private long resetIn(Duration d) {
        return proxy.clock().instant().plus(d).getEpochSecond();
    }

    @Test
    void exhaustedTokenIsServedStaleOrGetsGithubsRefusalReplayed() throws Exception {
        start();
        HttpResponse<byte[]> cached = proxy.get("/repos/o/cached", "Authorization", "token A");
        proxy.clock().advance(Duration.ofMinutes(2));
        upstream.canned("/repos/o/limited", UpstreamStub.Canned.json(403,
                "{\"message\":\"API rate limit exceeded\"}", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", Long.toString(resetIn(Duration.ofMinutes(10)))));

        HttpResponse<byte[]> refused = proxy.get("/repos/o/limited", "Authorization", "token A");
        assertThat(refused.statusCode()).isEqualTo(403);
        long upstreamBefore = upstream.count();

        HttpResponse<byte[]> stale = proxy.get("/repos/o/cached", "Authorization", "token A");
        HttpResponse<byte[]> replayed = proxy.get("/repos/o/other", "Authorization", "token A");
        HttpResponse<byte[]> otherToken = proxy.get("/repos/o/other", "Authorization", "token B");

        assertThat(status(stale)).isEqualTo("STALE");
        assertThat(body(stale)).isEqualTo(body(cached));
        assertThat(replayed.statusCode()).isEqualTo(403);
        assertThat(body(replayed)).contains("API rate limit exceeded");
        assertThat(replayed.headers().firstValue("X-RateLimit-Remaining")).contains("0");
        assertThat(replayed.headers().firstValue("Retry-After")).isPresent();
        assertThat(otherToken.statusCode()).isEqualTo(200);
        // only token B's request reached the upstream
        assertThat(upstream.count()).isEqualTo(upstreamBefore + 1);
    }

    @Test
    void retryAfterOn429BlocksUntilThenRequestsFlowAgain() throws Exception {
        start();
        upstream.canned("/search/issues", UpstreamStub.Canned.json(429, "{\"message\":\"secondary\"}",
                "Retry-After", "30"));
        proxy.get("/search/issues?q=x");
        HttpResponse<byte[]> blocked = proxy.get("/search/issues?q=y");
        HttpResponse<byte[]> coreStillFlows = proxy.get("/repos/o/r");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(upstream.count("/search/issues")).isEqualTo(1);
        assertThat(coreStillFlows.statusCode()).isEqualTo(200);

        proxy.clock().advance(Duration.ofSeconds(31));
        proxy.get("/search/issues?q=z");
        assertThat(upstream.count("/search/issues")).isEqualTo(2);
    }

    @Test
    void rateLimitEndpointIsNeverBlocked() throws Exception {
        start();
        upstream.canned("/repos/o/limited", UpstreamStub.Canned.json(403, "{}", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", Long.toString(resetIn(Duration.ofMinutes(10)))));
        proxy.get("/repos/o/limited");
        proxy.get("/rate_limit");
        assertThat(upstream.count("/rate_limit")).isEqualTo(1);
    }

    @Test
    void canBeTurnedOff() throws Exception {
        start("github.cache.respect-rate-limit", "false");
        upstream.canned("/repos/o/limited", UpstreamStub.Canned.json(403, "{}", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", Long.toString(resetIn(Duration.ofMinutes(10)))));
        proxy.get("/repos/o/limited");
        proxy.get("/repos/o/limited");
        assertThat(upstream.count("/repos/o/limited")).isEqualTo(2);
    }
}
