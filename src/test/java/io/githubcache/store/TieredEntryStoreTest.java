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
        return new TieredEntryStore(new MemoryEntryStore(16L << 20, Duration.ofDays(365)), disk(), Duration.ofDays(365),
                clock);
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
        tiered[0] = new TieredEntryStore(memory, lower, Duration.ofDays(365), clock);

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
        tiered[0] = new TieredEntryStore(memory, lower, Duration.ofDays(365), clock);

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

    /** The ticker the tiered store reads, moved with the clock the disk tier reads. */
    private long ticker() {
        return clock.millis() * 1_000_000L;
    }

    private static final Duration INACTIVE = Duration.ofSeconds(20);

    private DiskEntryStore disk(long maxDisk, Duration inactive) {
        return new DiskEntryStore(dir, maxDisk, inactive, clock, DiskEntryStore.Tuning.defaults().manual());
    }

    /** Timed by {@link #ticker()}, so moving the clock moves both tiers. */
    private TieredEntryStore tieredOver(EntryStore lower, Duration inactive) {
        return new TieredEntryStore(new MemoryEntryStore(64L << 20, Duration.ofDays(365)), lower,
                TouchInterval.forInactive(inactive), this::ticker);
    }

    @Test
    void aMemoryHitTellsTheLowerTierOncePerInterval() {
        List<String> touched = new java.util.ArrayList<>();
        EntryStore lower = new io.githubcache.support.ForwardingEntryStore(
                new MemoryEntryStore(16L << 20, Duration.ofDays(365))) {
            @Override
            public void touch(String key) {
                touched.add(key);
            }
        };
        TieredEntryStore store = tieredOver(lower, INACTIVE);
        store.put(key(1), response(1, 100));

        clock.advance(Duration.ofSeconds(4));
        store.getWithoutIo(key(1));
        store.get(key(1));
        assertThat(touched).isEmpty(); // the put told it 4 s ago

        clock.advance(Duration.ofSeconds(1));
        store.getWithoutIo(key(1));
        store.getWithoutIo(key(1));
        assertThat(touched).containsExactly(key(1));

        clock.advance(Duration.ofSeconds(5));
        store.get(key(1));
        assertThat(touched).containsExactly(key(1), key(1));
    }

    @Test
    void anEntryReadOnlyFromMemorySurvivesTheDiskTiersInactivePurge() {
        try (DiskEntryStore disk = disk(64L << 20, INACTIVE);
                TieredEntryStore store = tieredOver(disk, INACTIVE)) {
            store.put(key(1), response(1, 100)); // used every 10 s
            store.put(key(2), response(2, 100)); // never used again

            for (int i = 0; i < 10; i++) {
                clock.advance(Duration.ofSeconds(10));
                assertThat(store.getWithoutIo(key(1))).isNotNull();
                disk.runMaintenance(); // flushes the reported uses, then purges
            }

            assertThat(disk.get(key(1))).isEqualTo(response(1, 100));
            assertThat(disk.get(key(2))).isNull();
        }
    }

    @Test
    void anEntryReadOnlyFromMemoryKeepsItsPlaceInTheDiskTiersLruOrder() {
        long maxDisk = 256 * 1024; // room for about 60 entries of 2 KB: turned over in 3 minutes, one fill per 3 s
        try (DiskEntryStore disk = disk(maxDisk, Duration.ofDays(365));
                TieredEntryStore store = tieredOver(disk, Duration.ofDays(365))) {
            for (int hot = 0; hot < 10; hot++) {
                store.put(key(hot), response(hot, 2000));
            }
            store.put(key(10), response(10, 2000)); // as old as the hot ones, never read again
            for (int cold = 100; cold < 400; cold++) {
                clock.advance(Duration.ofSeconds(3));
                store.put(key(cold), response(cold, 2000));
                if (cold % 10 == 0) {
                    for (int hot = 0; hot < 10; hot++) {
                        assertThat(store.getWithoutIo(key(hot))).isNotNull(); // memory hits only
                    }
                    disk.flush();
                }
            }

            assertThat(disk.evictions()).isGreaterThan(200);
            for (int hot = 0; hot < 10; hot++) {
                assertThat(disk.get(key(hot))).as("hot entry %d", hot).isEqualTo(response(hot, 2000));
            }
            assertThat(disk.get(key(10))).isNull();
            assertThat(disk.get(key(100))).isNull();
        }
    }

    @Test
    void aRefreshHeldForTheDiskStillCountsAsAUse() {
        try (DiskEntryStore disk = disk(64L << 20, INACTIVE);
                TieredEntryStore store = tieredOver(disk, INACTIVE)) {
            store.put(key(1), response(1, 100));
            clock.advance(Duration.ofSeconds(15));

            store.refresh(key(1), refreshed(response(1, 100), 1)); // written to disk only minutes later
            disk.flush();
            clock.advance(Duration.ofSeconds(15));
            disk.runMaintenance();

            assertThat(disk.get(key(1))).isEqualTo(refreshed(response(1, 100), 1));
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
