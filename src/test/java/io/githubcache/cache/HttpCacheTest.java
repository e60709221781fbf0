package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpCacheTest {

    private static final String UP = "https://api.github.com";
    private static final String OTHER_UP = "https://ghe.example/api/v3";
    private static final String P1 = Hashing.sha256Hex("Bearer token-one");
    private static final String P2 = Hashing.sha256Hex("Bearer token-two");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MemoryEntryStore store = new MemoryEntryStore(64L * 1024 * 1024, Duration.ofHours(1));
    private final HttpCache cache = new HttpCache(store);

    private static HeaderList headers(String... nameValues) {
        List<Header> lines = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            lines.add(new Header(nameValues[i], nameValues[i + 1]));
        }
        return HeaderList.of(lines);
    }

    private static CachedResponse response(String body, String... headerNameValues) {
        return new CachedResponse(200, headers(headerNameValues), body.getBytes(StandardCharsets.UTF_8), T0,
                T0.plusSeconds(60));
    }

    private static CacheKey key(String upstream, String partition, String accept, String target) {
        return new CacheKey(upstream, partition, accept, "", target);
    }

    private static CacheKey key(String partition, String target) {
        return key(UP, partition, "application/json", target);
    }

    @Test
    void storeThenLookupReturnsTheResponse() {
        CachedResponse r = response("{\"id\":1}", "ETag", "\"a\"");

        assertThat(cache.store(key(P1, "/repos/o/r"), HeaderList.empty(), r)).isTrue();

        assertThat(cache.lookup(key(P1, "/repos/o/r"), HeaderList.empty())).isSameAs(r);
        assertThat(store.get(key(P1, "/repos/o/r").asString())).isSameAs(r);
    }

    @Test
    void aPurgeOfOneUpstreamMatchesItsSchemeAndHostInAnyCaseButNotItsPath() {
        cache.store(key(UP, P1, "application/json", "/repos/up/a"), HeaderList.empty(), response("1"));
        cache.store(key(UP, P2, "application/json", "/repos/up/a"), HeaderList.empty(), response("2"));
        cache.store(key(OTHER_UP, P1, "application/json", "/repos/up/a"), HeaderList.empty(), response("3"));

        assertThat(cache.purge(HttpCache.PurgeScope.PATH, "/repos/up/a", "https://ghe.example/API/v3")).isZero();
        assertThat(cache.purge(HttpCache.PurgeScope.PATH, "/repos/up/a", "HTTPS://API.GitHub.com")).isEqualTo(2);
        assertThat(cache.purge(HttpCache.PurgeScope.ALL, null, "https://GHE.example/api/v3")).isEqualTo(1);
    }

    @Test
    void lookupOfUnknownKeyIsNull() {
        cache.store(key(P1, "/repos/o/r"), HeaderList.empty(), response("x"));

        assertThat(cache.lookup(key(P1, "/repos/o/other"), HeaderList.empty())).isNull();
        assertThat(cache.lookup(key(P2, "/repos/o/r"), HeaderList.empty())).isNull();
        assertThat(cache.lookup(key(UP, P1, "application/vnd.github.raw", "/repos/o/r"), HeaderList.empty())).isNull();
    }

    @Test
    void storingAgainReplacesTheEntry() {
        cache.store(key(P1, "/x"), HeaderList.empty(), response("old"));
        CachedResponse fresh = response("new");

        cache.store(key(P1, "/x"), HeaderList.empty(), fresh);

        assertThat(cache.lookup(key(P1, "/x"), HeaderList.empty())).isSameAs(fresh);
    }

    @Test
    void varyCookieKeepsOneVariantPerCookie() {
        CacheKey k = key(P1, "/user");
        CachedResponse forA = response("A", "Vary", "Accept, Cookie");
        CachedResponse forB = response("B", "Vary", "Accept, Cookie");

        assertThat(cache.store(k, headers("Cookie", "session=a"), forA)).isTrue();
        assertThat(cache.store(k, headers("Cookie", "session=b"), forB)).isTrue();

        assertThat(cache.lookup(k, headers("Cookie", "session=a"))).isSameAs(forA);
        assertThat(cache.lookup(k, headers("Cookie", "session=b"))).isSameAs(forB);
        assertThat(cache.lookup(k, headers("Cookie", "session=c"))).isNull();
        assertThat(cache.lookup(k, HeaderList.empty())).isNull();
        assertThat(store.get(k.asString())).isInstanceOf(VaryMarker.class);
        assertThat(((VaryMarker) store.get(k.asString())).selectingHeaders()).containsExactly("cookie");
    }

    @Test
    void variantStoreKeysHoldNoCookie() {
        CacheKey k = key(P1, "/user");
        cache.store(k, headers("Cookie", "session=topsecret"), response("A", "Vary", "Cookie"));

        List<String> keys = new ArrayList<>();
        store.removeIf(s -> keys.add(s) && false);

        assertThat(keys).hasSize(2).noneMatch(s -> s.contains("topsecret"));
    }

    @Test
    void githubVaryLinesWithoutCookieInRequestStillSelectOneVariant() {
        CacheKey k = key(P1, "/user");
        CachedResponse r = response("me", "Vary", "Accept, Authorization, Cookie, X-GitHub-OTP",
                "Vary", "Accept-Encoding, Accept, X-Requested-With");

        cache.store(k, HeaderList.empty(), r);

        assertThat(cache.lookup(k, HeaderList.empty())).isSameAs(r);
        assertThat(cache.lookup(k, headers("X-Requested-With", "XMLHttpRequest"))).isNull();
        assertThat(cache.lookup(k, headers("X-GitHub-OTP", "123456"))).isNull();
    }

    @Test
    void varyOnlyOnPrimaryKeyHeadersIsStoredPlainly() {
        CacheKey k = key(P1, "/x");
        CachedResponse r = response("x", "Vary", "Accept, Authorization, Accept-Encoding");

        cache.store(k, HeaderList.empty(), r);

        assertThat(store.get(k.asString())).isSameAs(r);
        assertThat(store.entryCount()).isEqualTo(1);
    }

    @Test
    void varyStarIsNotStored() {
        CacheKey k = key(P1, "/x");

        assertThat(cache.store(k, HeaderList.empty(), response("x", "Vary", "*"))).isFalse();

        assertThat(cache.lookup(k, HeaderList.empty())).isNull();
        assertThat(store.entryCount()).isZero();
    }

    @Test
    void invalidatePathRemovesEveryQueryAcceptAndVariantOfThatPathInThatPartitionOnly() {
        HeaderList cookieA = headers("Cookie", "a");
        cache.store(key(P1, "/repos/o/r"), HeaderList.empty(), response("1"));
        cache.store(key(P1, "/repos/o/r?page=2"), HeaderList.empty(), response("2"));
        cache.store(key(UP, P1, "application/vnd.github.raw", "/repos/o/r"), HeaderList.empty(), response("3"));
        cache.store(key(UP, P1, "text/html", "/repos/o/r?x=1"), cookieA, response("4", "Vary", "Cookie"));
        // must survive: other partition, other upstream, other paths, prefix-sharing paths
        CachedResponse otherPartition = response("p2");
        CachedResponse anonymous = response("anon");
        CachedResponse otherUpstream = response("up");
        CachedResponse subPath = response("sub");
        CachedResponse prefixPath = response("prefix");
        CachedResponse trailingSlash = response("slash");
        cache.store(key(P2, "/repos/o/r"), HeaderList.empty(), otherPartition);
        cache.store(key(CacheKey.ANONYMOUS, "/repos/o/r"), HeaderList.empty(), anonymous);
        cache.store(key(OTHER_UP, P1, "application/json", "/repos/o/r"), HeaderList.empty(), otherUpstream);
        cache.store(key(P1, "/repos/o/r/issues"), HeaderList.empty(), subPath);
        cache.store(key(P1, "/repos/o/r2"), HeaderList.empty(), prefixPath);
        cache.store(key(P1, "/repos/o/r/"), HeaderList.empty(), trailingSlash);
        assertThat(store.entryCount()).isEqualTo(11);

        int removed = cache.invalidatePath(UP, P1, "/repos/o/r");

        assertThat(removed).isEqualTo(5); // 3 plain entries + one Vary marker + its variant
        assertThat(cache.lookup(key(P1, "/repos/o/r"), HeaderList.empty())).isNull();
        assertThat(cache.lookup(key(P1, "/repos/o/r?page=2"), HeaderList.empty())).isNull();
        assertThat(cache.lookup(key(UP, P1, "application/vnd.github.raw", "/repos/o/r"), HeaderList.empty())).isNull();
        assertThat(cache.lookup(key(UP, P1, "text/html", "/repos/o/r?x=1"), cookieA)).isNull();
        assertThat(cache.lookup(key(P2, "/repos/o/r"), HeaderList.empty())).isSameAs(otherPartition);
        assertThat(cache.lookup(key(CacheKey.ANONYMOUS, "/repos/o/r"), HeaderList.empty())).isSameAs(anonymous);
        assertThat(cache.lookup(key(OTHER_UP, P1, "application/json", "/repos/o/r"), HeaderList.empty()))
                .isSameAs(otherUpstream);
        assertThat(cache.lookup(key(P1, "/repos/o/r/issues"), HeaderList.empty())).isSameAs(subPath);
        assertThat(cache.lookup(key(P1, "/repos/o/r2"), HeaderList.empty())).isSameAs(prefixPath);
        assertThat(cache.lookup(key(P1, "/repos/o/r/"), HeaderList.empty())).isSameAs(trailingSlash);
        assertThat(store.entryCount()).isEqualTo(6);
    }

    @Test
    void invalidatePathOfUnknownPathRemovesNothing() {
        cache.store(key(P1, "/a"), HeaderList.empty(), response("a"));

        assertThat(cache.invalidatePath(UP, P1, "/b")).isZero();
        assertThat(cache.lookup(key(P1, "/a"), HeaderList.empty())).isNotNull();
    }

    /** A read sent upstream before a write invalidated its path is answered but not stored (nor refreshed). */
    @Test
    void aFillSentBeforeAWriteInvalidatedItsPathIsNotStored() {
        long sentBefore = System.nanoTime();
        cache.invalidatePath(UP, P1, "/repos/o/r");
        long sentAfter = System.nanoTime();

        assertThat(cache.store(key(P1, "/repos/o/r?page=2"), HeaderList.empty(), response("old"), sentBefore)).isFalse();
        assertThat(cache.refresh(key(P1, "/repos/o/r"), HeaderList.empty(), response("old"), sentBefore)).isFalse();
        assertThat(cache.lookup(key(P1, "/repos/o/r?page=2"), HeaderList.empty())).isNull();
        assertThat(cache.lookup(key(P1, "/repos/o/r"), HeaderList.empty())).isNull();
        // sent after the write; or another partition or path: stored as usual
        assertThat(cache.store(key(P1, "/repos/o/r"), HeaderList.empty(), response("new"), sentAfter)).isTrue();
        assertThat(cache.store(key(P2, "/repos/o/r"), HeaderList.empty(), response("p2"), sentBefore)).isTrue();
        assertThat(cache.store(key(P1, "/repos/o/r/issues"), HeaderList.empty(), response("sub"), sentBefore)).isTrue();
        assertThat(cache.lookup(key(P1, "/repos/o/r"), HeaderList.empty())).isNotNull();
    }

    @Test
    void matchesVariantComparesTheSelectingHeadersOfBothRequests() {
        CachedResponse r = response("x", "Vary", "Cookie");

        assertThat(cache.matchesVariant(r, headers("Cookie", "a"), headers("cookie", "a"))).isTrue();
        assertThat(cache.matchesVariant(r, headers("Cookie", "a"), headers("Cookie", "b"))).isFalse();
        assertThat(cache.matchesVariant(r, headers("Cookie", "a"), HeaderList.empty())).isFalse();
    }

    @Test
    void matchesVariantIgnoresHeadersTheResponseDoesNotVaryOn() {
        CachedResponse r = response("x", "Vary", "Accept-Encoding, Accept");

        assertThat(cache.matchesVariant(r, headers("Cookie", "a", "Accept-Encoding", "gzip"),
                headers("Cookie", "b"))).isTrue();
    }

    @Test
    void matchesVariantIsFalseForVaryStar() {
        CachedResponse r = response("x", "Vary", "*");

        assertThat(cache.matchesVariant(r, HeaderList.empty(), HeaderList.empty())).isFalse();
    }

    @Test
    void anUnchangedVaryMarkerIsNotWrittenAgain() {
        java.util.List<String> puts = new java.util.ArrayList<>();
        EntryStore counting = new io.githubcache.support.ForwardingEntryStore(store) {
            @Override
            public void put(String key, Stored value) {
                puts.add(value instanceof VaryMarker ? "marker" : "response");
                super.put(key, value);
            }
        };
        HttpCache c = new HttpCache(counting);
        CacheKey k = key(P1, "/repos/o/r");

        c.store(k, headers("Cookie", "a=1"), response("v1", "Vary", "Cookie"));
        c.store(k, headers("Cookie", "a=1"), response("v2", "Vary", "Cookie"));
        c.store(k, headers("Cookie", "a=1"), response("v3", "Vary", "Cookie, X-Other"));

        assertThat(puts).containsExactly("marker", "response", "response", "marker", "response");
        assertThat(c.lookup(k, headers("Cookie", "a=1")).body()).isEqualTo("v3".getBytes());
    }
}
