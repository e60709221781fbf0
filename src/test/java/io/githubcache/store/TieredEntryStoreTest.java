package io.githubcache.store;

import static io.githubcache.store.StoreTestData.key;
import static io.githubcache.store.StoreTestData.refreshed;
import static io.githubcache.store.StoreTestData.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.CacheKey;
import io.githubcache.cache.CacheKeyGenerator;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.EntryStore;
import io.githubcache.cache.Header;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.HttpCache;
import io.githubcache.cache.MemoryEntryStore;
import io.githubcache.cache.Stored;
import io.githubcache.support.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TieredEntryStoreTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    private DiskEntryStore disk() {
        return new DiskEntryStore(dir, 64L << 20, Duration.ofDays(365), clock,
                DiskEntryStore.Tuning.defaults().manual());
    }

    private TieredEntryStore tiered() {
        return new TieredEntryStore(new MemoryEntryStore(16L << 20, Duration.ofDays(365)), disk());
    }

    @Test
    void putWritesBothTiers() {
        try (TieredEntryStore store = tiered()) {
            store.put(key(1), response(1, 100));

            assertThat(store.memory().get(key(1))).isEqualTo(response(1, 100));
            assertThat(store.lower().get(key(1))).isEqualTo(response(1, 100));
        }
    }

    @Test
    void aRefreshReplacesTheMemoryCopyAtOnceAndIsHeldForTheDisk() {
        try (TieredEntryStore store = tiered()) {
            store.put(key(1), response(1, 100));

            store.refresh(key(1), refreshed(response(1, 100), 2));

            assertThat(store.memory().get(key(1))).isEqualTo(refreshed(response(1, 100), 2));
            assertThat(((DiskEntryStore) store.lower()).pendingRefreshes()).isEqualTo(1);
            store.memory().remove(key(1)); // evicted from memory: the disk tier still answers the newest copy
            assertThat(store.get(key(1))).isEqualTo(refreshed(response(1, 100), 2));
        }
    }

    @Test
    void aDiskHitIsPromotedToMemory() {
        try (TieredEntryStore store = tiered()) {
            store.lower().put(key(1), response(1, 100));
            assertThat(store.memory().get(key(1))).isNull();

            assertThat(store.get(key(1))).isEqualTo(response(1, 100));
            assertThat(store.memory().get(key(1))).isEqualTo(response(1, 100));
        }
    }

    @Test
    void aWriteDuringAPromotionIsNotOverwrittenByTheOlderCopy() {
        MemoryEntryStore memory = new MemoryEntryStore(16L << 20, Duration.ofDays(365));
        TieredEntryStore[] tiered = new TieredEntryStore[1];
        // another request stores a newer response while this read is in the lower tier
        EntryStore lower = new ReadHook(k -> tiered[0].put(k, response(2, 100)));
        lower.put(key(1), response(1, 100));
        tiered[0] = new TieredEntryStore(memory, lower);

        assertThat(tiered[0].get(key(1))).isEqualTo(response(1, 100)); // this read may return what it read

        assertThat(memory.get(key(1))).isEqualTo(response(2, 100)); // but memory keeps the newer one
    }

    @Test
    void aRemoveDuringAPromotionIsNotUndone() {
        MemoryEntryStore memory = new MemoryEntryStore(16L << 20, Duration.ofDays(365));
        TieredEntryStore[] tiered = new TieredEntryStore[1];
        // an invalidation after a write, while this read is in the lower tier
        EntryStore lower = new ReadHook(k -> tiered[0].remove(k));
        lower.put(key(1), response(1, 100));
        tiered[0] = new TieredEntryStore(memory, lower);

        tiered[0].get(key(1));

        assertThat(memory.get(key(1))).isNull();
        assertThat(tiered[0].get(key(1))).isNull();
    }

    @Test
    void removeAndRemoveIfReachBothTiers() {
        try (TieredEntryStore store = tiered()) {
            store.put(key(1), response(1, 100));
            store.put(key(2), response(2, 100));
            store.put(key(3), response(3, 100));

            store.remove(key(1));
            int removed = store.removeIf(k -> k.equals(key(2)));

            assertThat(removed).isEqualTo(1);
            for (int i = 1; i <= 2; i++) {
                assertThat(store.get(key(i))).isNull();
                assertThat(store.memory().get(key(i))).isNull();
                assertThat(store.lower().get(key(i))).isNull();
            }
            assertThat(store.get(key(3))).isNotNull();
            assertThat(store.entryCount()).isEqualTo(1);
        }
    }

    @Test
    void aNewProcessServesFromDiskWithAnEmptyMemoryTier() {
        try (TieredEntryStore first = tiered()) {
            first.put(key(1), response(1, 100));
        } // close() closes the disk tier: the next open would fail on the file lock otherwise

        try (TieredEntryStore second = tiered()) {
            assertThat(second.memory().get(key(1))).isNull();
            assertThat(second.get(key(1))).isEqualTo(response(1, 100));
        }
    }

    @Test
    void noSecretReachesTheDisk() throws Exception {
        String token = "token ghp_SECRET";
        String cookie = "session=cookie_SECRET";
        HeaderList request = HeaderList.of(List.of(new Header("Authorization", token),
                new Header("Cookie", cookie), new Header("Accept", "application/vnd.github+json")));
        CacheKey key = new CacheKeyGenerator().keyFor("https://api.github.com", "/user/repos?page=1", request);
        CachedResponse response = new CachedResponse(200, HeaderList.of(List.of(
                new Header("Vary", "Accept, Authorization, Cookie"), new Header("ETag", "\"1\""))),
                "BODY-WITHOUT-SECRETS".getBytes(StandardCharsets.US_ASCII), Instant.EPOCH, Instant.EPOCH);

        try (TieredEntryStore store = tiered()) {
            HttpCache cache = new HttpCache(store);
            assertThat(cache.store(key, request, response)).isTrue();
            assertThat(cache.lookup(key, request)).isEqualTo(response);
            // before any commit: the journal holds the writes
            assertNoFileContains("ghp_SECRET", "cookie_SECRET");
            assertSomeFileContains("BODY-WITHOUT-SECRETS");
            ((DiskEntryStore) store.lower()).flush();
            assertNoFileContains("ghp_SECRET", "cookie_SECRET");
        }
        assertNoFileContains("ghp_SECRET", "cookie_SECRET");
        assertSomeFileContains("BODY-WITHOUT-SECRETS"); // the check reads what is really on disk
        try (TieredEntryStore reopened = tiered()) {
            assertThat(new HttpCache(reopened).lookup(key, request)).isEqualTo(response);
        }
    }

    /** A memory store that runs a hook after reading a present key, before returning it. */
    private static final class ReadHook extends io.githubcache.support.ForwardingEntryStore {
        private final java.util.function.Consumer<String> hook;
        private boolean fired;

        ReadHook(java.util.function.Consumer<String> hook) {
            super(new MemoryEntryStore(16L << 20, Duration.ofDays(365)));
            this.hook = hook;
        }

        @Override
        public Stored get(String key) {
            Stored s = inner.get(key);
            if (s != null && !fired) {
                fired = true;
                hook.accept(key);
            }
            return s;
        }
    }

    private void assertNoFileContains(String... secrets) throws IOException {
        for (Path p : files()) {
            String raw = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertThat(raw).as("%s holds %s", p, secret).doesNotContain(secret);
            }
        }
    }

    private void assertSomeFileContains(String text) throws IOException {
        boolean found = false;
        for (Path p : files()) {
            found |= new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(text);
        }
        assertThat(found).as("some file holds %s", text).isTrue();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> files = walk.filter(Files::isRegularFile).toList();
            assertThat(files).isNotEmpty();
            return files;
        }
    }
}
