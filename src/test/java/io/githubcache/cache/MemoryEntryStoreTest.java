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
        HeaderList h = HeaderList.of(List.of(new Header("ETag", "\"x\""))); // 4 + 3 + 4 = 11
        store.put("key", response(100, h));
        // key: 3 chars * 2 + 64 = 70; response: 100 + 11 + 96 = 207
        long expected = 70 + 207;

        await().atMost(Duration.ofSeconds(5)).until(() -> store.weightedSize() == expected);
        assertThat(store.weightedSize()).isEqualTo(expected);
    }

    @Test
    void varyMarkerWeighsItsKey() {
        MemoryEntryStore store = new MemoryEntryStore(1_000_000, Duration.ofHours(1));
        store.put("abcd", new VaryMarker(List.of("cookie")));

        await().atMost(Duration.ofSeconds(5)).until(() -> store.weightedSize() == 4 * 2 + 64);
        assertThat(store.entryCount()).isEqualTo(1);
    }

    @Test
    void weightedSizeStaysWithinMaxBytes() {
        long maxBytes = 20_000;
        MemoryEntryStore store = new MemoryEntryStore(maxBytes, Duration.ofHours(1));
        int puts = 200; // each about 64 + 2*7 + 500 + 96 = 674 weight, about 135 KB in all

        for (int i = 0; i < puts; i++) {
            store.put(String.format("key%04d", i), response(500, HeaderList.empty()));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> store.weightedSize() <= maxBytes);
        assertThat(store.weightedSize()).isPositive().isLessThanOrEqualTo(maxBytes);
        assertThat(store.entryCount()).isPositive().isLessThan(puts).isLessThanOrEqualTo(maxBytes / 674);
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
