package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseCachePolicyTest {

    private static final Duration TTL = Duration.ofMinutes(1);
    private static final Duration TTL_404 = Duration.ofSeconds(30);
    private static final long MAX_ENTRY = 1000;

    private final ResponseCachePolicy policy = new ResponseCachePolicy(TTL, TTL_404, MAX_ENTRY);

    private static HeaderList encoded(String coding) {
        return HeaderList.of(List.of(new Header("Content-Encoding", coding)));
    }

    @Test
    void okAndFoundGetTtl() {
        assertThat(policy.lifetime(200, HeaderList.empty(), 10)).contains(TTL);
        assertThat(policy.lifetime(302, HeaderList.empty(), 0)).contains(TTL);
    }

    @Test
    void notFoundGetsTtl404() {
        assertThat(policy.lifetime(404, HeaderList.empty(), 10)).contains(TTL_404);
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 204, 301, 304, 307, 400, 401, 403, 410, 422, 429, 500, 502, 503})
    void otherStatusesAreNotStored(int status) {
        assertThat(policy.lifetime(status, HeaderList.empty(), 10)).isEmpty();
    }

    @Test
    void bodyOverMaxEntrySizeIsNotStored() {
        assertThat(policy.lifetime(200, HeaderList.empty(), (int) MAX_ENTRY + 1)).isEmpty();
        assertThat(policy.lifetime(404, HeaderList.empty(), (int) MAX_ENTRY + 1)).isEmpty();
    }

    @Test
    void bodyExactlyMaxEntrySizeIsStored() {
        assertThat(policy.lifetime(200, HeaderList.empty(), (int) MAX_ENTRY)).contains(TTL);
    }

    @Test
    void unservableContentEncodingIsNotStored() {
        assertThat(policy.lifetime(200, encoded("br"), 10)).isEmpty();
        assertThat(policy.lifetime(200, encoded("deflate"), 10)).isEmpty();
    }

    @Test
    void gzipAndIdentityEncodingsAreStored() {
        assertThat(policy.lifetime(200, encoded("gzip"), 10)).contains(TTL);
        assertThat(policy.lifetime(200, encoded("identity"), 10)).contains(TTL);
    }

    @Test
    void upstreamCacheControlIsIgnored() {
        HeaderList h = HeaderList.of(List.of(new Header("Cache-Control", "no-store, private, max-age=0"),
                new Header("Set-Cookie", "a=b"), new Header("Expires", "0")));

        assertThat(policy.lifetime(200, h, 10)).contains(TTL);
    }

    @Test
    void zeroTtlMeansNotStored() {
        ResponseCachePolicy noCache = new ResponseCachePolicy(Duration.ZERO, Duration.ZERO, MAX_ENTRY);

        assertThat(noCache.lifetime(200, HeaderList.empty(), 10)).isEmpty();
        assertThat(noCache.lifetime(404, HeaderList.empty(), 10)).isEmpty();
    }

    @Test
    void zeroTtl404OnlyDisables404() {
        ResponseCachePolicy no404 = new ResponseCachePolicy(TTL, Duration.ZERO, MAX_ENTRY);

        assertThat(no404.lifetime(404, HeaderList.empty(), 10)).isEmpty();
        assertThat(no404.lifetime(200, HeaderList.empty(), 10)).contains(TTL);
    }

    @Test
    void lifetimeAfterRevalidation() {
        assertThat(policy.lifetimeAfterRevalidation(200)).isEqualTo(TTL);
        assertThat(policy.lifetimeAfterRevalidation(302)).isEqualTo(TTL);
        assertThat(policy.lifetimeAfterRevalidation(404)).isEqualTo(TTL_404);
    }
}
