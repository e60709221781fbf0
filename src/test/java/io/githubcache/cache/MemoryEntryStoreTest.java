package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryEntryStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static CachedResponse response(int bodyBytes, HeaderList headers) {
        return new CachedResponse(200, headers, new byte[bodyBytes], T0, T0.plusSeconds(60));
    }

    @Test
    void putGetRemove() {
        MemoryEntryStore store = new MemoryEntryStore(1_000_000, Duration.ofHours(1));
        CachedResponse r = response(10, HeaderList.empty());

        store.put("k", r);
        assertThat(store.get("k")).isSameAs(r);
        assertThat(store.get("other")).isNull();

        store.remove("k");
        assertThat(store.get("k")).isNull();
        assertThat(store.entryCount()).isZero();
    }

    @Test
    void weightCountsKeyBodyAndHeaders() {
        MemoryEntryStore store = new MemoryEntryStore(1_000_000, Duration.ofHours(1));
        HeaderList h = HeaderList.of(List.of(new Header("ETag", "\"x\"")));
        store.put("key", response(100, h));
        // entry: map + Caffeine nodes 80, key String 24 + byte[] 24 = 128;
        // response: object 40 (with the lower tier's last report), body byte[] 16 + 100 -> 120, two Instants 48,
        // headers: list 16 + array 24 + its own ETag value String 24 + byte[] 24 = 88 (the name is shared)
        long expected = 128 + 40 + 120 + 48 + 88;

        await().atMost(Duration.ofSeconds(5)).until(() -> store.weightedSize() == expected);
        assertThat(store.weightedSize()).isEqualTo(expected);
    }

    @Test
    void sharedHeaderValuesAreNotCountedPerEntry() {
        HeaderList own = HeaderList.of(List.of(new Header("X-GitHub-Request-Id", "ABCD:1234:5678")));
        HeaderList shared = HeaderList.of(List.of(new Header("Content-Type", "application/json; charset=utf-8")));

        // same array and list; only the request id is the entry's own string (24 + 16 + 14 -> 24 + 32)
        assertThat(MemoryEntryStore.weigh("k", response(0, own)) - MemoryEntryStore.weigh("k", response(0, shared)))
                .isEqualTo(56);
    }

    @Test
    void varyMarkerWeighsItsKeyAndList() {
        MemoryEntryStore store = new MemoryEntryStore(1_000_000, Duration.ofHours(1));
        store.put("abcd", new VaryMarker(List.of("cookie")));

        // nodes 80 + key 24 + 24; marker 24 (with the lower tier's last report) + list 16 + its array 24
        await().atMost(Duration.ofSeconds(5)).until(() -> store.weightedSize() == 80 + 48 + 64);
        assertThat(store.entryCount()).isEqualTo(1);
    }

    @Test
    void weightedSizeStaysWithinMaxBytes() {
        long maxBytes = 20_000;
        MemoryEntryStore store = new MemoryEntryStore(maxBytes, Duration.ofHours(1));
        int puts = 200; // each 128 (nodes, key) + 640 (response, 500 B body) = 768 weight, 152 KB in all

        for (int i = 0; i < puts; i++) {
            store.put(String.format("key%04d", i), response(500, HeaderList.empty()));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> store.weightedSize() <= maxBytes);
        assertThat(store.weightedSize()).isPositive().isLessThanOrEqualTo(maxBytes);
        assertThat(store.entryCount()).isPositive().isLessThan(puts).isLessThanOrEqualTo(maxBytes / 768);
    }

    @Test
    void evictionHappensOnTheWritingThreadBeforePutReturns() {
        long maxBytes = 20_000;
        MemoryEntryStore store = new MemoryEntryStore(maxBytes, Duration.ofHours(1));

        for (int i = 0; i < 200; i++) {
            store.put(String.format("key%04d", i), response(500, HeaderList.empty()));
            // no waiting: Caffeine's maintenance runs in put itself, not later on another thread
            assertThat(store.weightedSize()).isLessThanOrEqualTo(maxBytes);
        }
        assertThat(store.evictions()).isPositive();
    }

    @Test
    void anEntryHeavierThanTheWholeStoreIsNotKept() {
        MemoryEntryStore store = new MemoryEntryStore(10_000, Duration.ofHours(1));

        store.put("huge", response(50_000, HeaderList.empty()));

        await().atMost(Duration.ofSeconds(5)).until(() -> store.get("huge") == null);
        assertThat(store.weightedSize()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void removeIfRemovesMatchingKeysAndCountsThem() {
        MemoryEntryStore store = new MemoryEntryStore(1_000_000, Duration.ofHours(1));
        store.put("a/1", response(1, HeaderList.empty()));
        store.put("a/2", response(1, HeaderList.empty()));
        store.put("a/3#v", new VaryMarker(List.of("cookie")));
        store.put("b/1", response(1, HeaderList.empty()));

        int removed = store.removeIf(k -> k.startsWith("a/"));

        assertThat(removed).isEqualTo(3);
        assertThat(store.get("a/1")).isNull();
        assertThat(store.get("a/2")).isNull();
        assertThat(store.get("a/3#v")).isNull();
        assertThat(store.get("b/1")).isNotNull();
        assertThat(store.entryCount()).isEqualTo(1);
        assertThat(store.removeIf(k -> k.startsWith("a/"))).isZero();
    }
}
