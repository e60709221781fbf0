package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.RequestCachePolicy.Decision;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RequestCachePolicyTest {

    private final RequestCachePolicy policy = new RequestCachePolicy();

    private static HeaderList pragma(String value) {
        return HeaderList.of(List.of(new Header("Pragma", value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD"})
    void getAndHeadAreLookedUp(String method) {
        assertThat(policy.decide(method, "/repos/o/r", HeaderList.empty())).isEqualTo(Decision.LOOKUP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    void otherMethodsPass(String method) {
        assertThat(policy.decide(method, "/repos/o/r", HeaderList.empty())).isEqualTo(Decision.PASS);
    }

    @Test
    void writesPassEvenWithPragma() {
        assertThat(policy.decide("POST", "/repos/o/r/issues", pragma("no-cache"))).isEqualTo(Decision.PASS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/rate_limit", "/rate_limit/", "/rate_limit//", "/RATE_LIMIT"})
    void rateLimitPasses(String path) {
        assertThat(policy.decide("GET", path, HeaderList.empty())).isEqualTo(Decision.PASS);
        assertThat(policy.decide("HEAD", path, HeaderList.empty())).isEqualTo(Decision.PASS);
    }

    @Test
    void rateLimitPassesEvenWithPragma() {
        assertThat(policy.decide("GET", "/rate_limit", pragma("no-cache"))).isEqualTo(Decision.PASS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/rate_limits", "/rate_limit/x", "/repos/o/rate_limit", "/", "/rate"})
    void pathsThatAreNotRateLimitAreLookedUp(String path) {
        assertThat(policy.decide("GET", path, HeaderList.empty())).isEqualTo(Decision.LOOKUP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"access_token=ghp_x", "a=1&access_token=ghp_x", "ACCESS_TOKEN=x&b=2", "client_secret=s",
            "client_id=c&client_secret=s", "access_token", "x=1&access_token&y=2"})
    void readsWithACredentialInTheQueryPass(String query) {
        assertThat(policy.decide("GET", "/repos/o/r", query, HeaderList.empty())).isEqualTo(Decision.PASS);
        assertThat(policy.decide("GET", "/repos/o/r", query, pragma("no-cache"))).isEqualTo(Decision.PASS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"page=2", "my_access_token=x", "access_tokens=x", "q=access_token%3Dx", "client_id=c",
            "per_page=100&sort=access_token", ""})
    void queriesWithoutACredentialAreLookedUp(String query) {
        assertThat(policy.decide("GET", "/repos/o/r", query, HeaderList.empty())).isEqualTo(Decision.LOOKUP);
    }

    @Test
    void isRateLimitHandlesTrailingSlashes() {
        assertThat(RequestCachePolicy.isRateLimit("/rate_limit/")).isTrue();
        assertThat(RequestCachePolicy.isRateLimit("/rate_limit")).isTrue();
        assertThat(RequestCachePolicy.isRateLimit("/")).isFalse();
        assertThat(RequestCachePolicy.isRateLimit("/rate_limitx")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-cache", "", "anything"})
    void anyPragmaBypassesButStores(String value) {
        assertThat(policy.decide("GET", "/repos/o/r", pragma(value))).isEqualTo(Decision.BYPASS_AND_STORE);
    }

    @Test
    void pragmaIsMatchedCaseInsensitively() {
        HeaderList h = HeaderList.of(List.of(new Header("pragma", "no-cache")));

        assertThat(policy.decide("HEAD", "/repos/o/r", h)).isEqualTo(Decision.BYPASS_AND_STORE);
    }

    @Test
    void otherHeadersDoNotBypass() {
        HeaderList h = HeaderList.of(List.of(new Header("Cache-Control", "no-cache")));

        assertThat(policy.decide("GET", "/repos/o/r", h)).isEqualTo(Decision.LOOKUP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE"})
    void writesAreUnsafe(String method) {
        assertThat(RequestCachePolicy.isUnsafe(method)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "TRACE", "post"})
    void otherMethodsAreNotUnsafe(String method) {
        assertThat(RequestCachePolicy.isUnsafe(method)).isFalse();
    }
}
