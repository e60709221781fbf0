package io.githubcache.store;

import static io.githubcache.store.StoreTestData.key;
import static io.githubcache.store.StoreTestData.refreshed;
import static io.githubcache.store.StoreTestData.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.VaryMarker;
import io.githubcache.config.InvalidSettingException;
import io.githubcache.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskEntryStoreTest {

    private static final long MB = 1024 * 1024;
    private static final DiskEntryStore.Tuning MANUAL = DiskEntryStore.Tuning.defaults().manual();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final List<DiskEntryStore> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(DiskEntryStore::close);
    }

    private DiskEntryStore store(long maxDisk) {
        return store(maxDisk, MANUAL);
    }

    private DiskEntryStore store(long maxDisk, DiskEntryStore.Tuning tuning) {
        DiskEntryStore s = new DiskEntryStore(dir, maxDisk, Duration.ofDays(365), clock, tuning);
        open.add(s);
        return s;
    }

    /** Puts as many 4000-byte entries as the budget holds, all at the same time; returns how many. */
    private static int fillToTheBudget(DiskEntryStore store) {
        int perEntry = (int) DiskEntryStore.accountedSize(key(0), EntryCodecSizes.encoded(key(0), 4000));
        int fit = (int) (store.budget() / perEntry);
        for (int i = 0; i < fit; i++) {
            store.put(key(i), response(i, 4000));
        }
        return fit;
    }

    @Test
    void putGetRemove() {
        DiskEntryStore store = store(64 * MB);

        store.put(key(1), response(1, 500));
        store.put(key(2), new VaryMarker(List.of("cookie")));

        assertThat(store.get(key(1))).isEqualTo(response(1, 500));
        assertThat(store.get(key(2))).isEqualTo(new VaryMarker(List.of("cookie")));
        assertThat(store.get(key(3))).isNull();
        assertThat(store.entryCount()).isEqualTo(2);
        assertThat(store.weightedSize()).isGreaterThan(500);

        store.remove(key(1));

        assertThat(store.get(key(1))).isNull();
        assertThat(store.entryCount()).isEqualTo(1);
    }

    @Test
    void withTheDefaultTuningTheStoreOpensInTheBackgroundAndKeepsEarlyWrites() {
        DiskEntryStore store = store(64 * MB, DiskEntryStore.Tuning.defaults());
        // written at once: applied, or journaled if the file is still opening
        store.put(key(1), response(1, 500));

        await().atMost(Duration.ofSeconds(20)).until(store::isAvailable);
        assertThat(store.get(key(1))).isEqualTo(response(1, 500));
        store.close();

        DiskEntryStore reopened = store(64 * MB);
        assertThat(reopened.get(key(1))).isEqualTo(response(1, 500));
    }

    @Test
    void replacingAnEntryKeepsTheAccountingExact() {
        DiskEntryStore store = store(64 * MB);
        store.put(key(1), response(1, 1000));
        long one = store.weightedSize();

        store.put(key(1), response(1, 1000));
        store.put(key(2), response(2, 1000));
        store.remove(key(2));

        assertThat(store.weightedSize()).isEqualTo(one);
        assertThat(store.entryCount()).isEqualTo(1);
    }

    @Test
    void entriesSurviveCloseAndReopen() {
        DiskEntryStore first = store(64 * MB);
        for (int i = 0; i < 50; i++) {
            first.put(key(i), response(i, 2000));
        }
        first.put("marker", new VaryMarker(List.of("cookie", "x-github-otp")));
        first.remove(key(7));
        long weight = first.weightedSize();
        first.close();

        DiskEntryStore second = store(64 * MB);

        for (int i = 0; i < 50; i++) {
            assertThat(second.get(key(i))).isEqualTo(i == 7 ? null : response(i, 2000));
        }
        assertThat(second.get("marker")).isEqualTo(new VaryMarker(List.of("cookie", "x-github-otp")));
        assertThat(second.entryCount()).isEqualTo(50);
        assertThat(second.weightedSize()).isEqualTo(weight);
    }

    @Test
    void leastRecentlyUsedIsEvictedFirst() {
        DiskEntryStore store = store(100 * 1024);
        int perEntry = (int) DiskEntryStore.accountedSize(key(0), EntryCodecSizes.encoded(key(0), 4000));
        int fit = (int) (store.budget() / perEntry);
        for (int i = 0; i < fit; i++) {
            store.put(key(i), response(i, 4000));
            clock.advance(Duration.ofMinutes(2));
        }
        assertThat(store.entryCount()).isEqualTo(fit);
        store.get(key(0)); // oldest written, but now the most recently used

        store.put(key(fit), response(fit, 4000));
        store.put(key(fit + 1), response(fit + 1, 4000));

        assertThat(store.get(key(0))).isNotNull();
        assertThat(store.get(key(1))).isNull();
        assertThat(store.get(key(2))).isNull();
        assertThat(store.get(key(3))).isNotNull();
        assertThat(store.get(key(fit + 1))).isNotNull();
        assertThat(store.evictions()).isEqualTo(2);
        assertThat(store.weightedSize()).isLessThanOrEqualTo(store.budget());
    }

    @Test
    void aReadWithinAMinuteDoesNotReorder() {
        DiskEntryStore store = store(100 * 1024);
        int fit = fillToTheBudget(store);
        clock.advance(Duration.ofSeconds(30));
        store.get(key(0)); // within the touch interval: no write, LRU order unchanged

        store.put(key(fit), response(fit, 4000));

        assertThat(store.get(key(0))).isNull();
    }

    @Test
    void aReplacementWithinAMinuteKeepsItsPlaceLikeARead() {
        DiskEntryStore store = store(100 * 1024);
        int fit = fillToTheBudget(store);
        clock.advance(Duration.ofSeconds(30));
        store.put(key(0), response(5, 4000)); // e.g. refreshed by a 304: same size, recent access

        store.put(key(fit), response(fit, 4000));

        assertThat(store.get(key(0))).isNull();
        assertThat(store.get(key(1))).isNotNull();
        assertThat(store.weightedSize()).isLessThanOrEqualTo(store.budget());
    }

    @Test
    void aReplacementAfterAMinuteBecomesTheMostRecentlyUsed() {
        DiskEntryStore store = store(100 * 1024);
        int fit = fillToTheBudget(store);
        clock.advance(Duration.ofMinutes(2));
        store.put(key(0), response(5, 4000));

        store.put(key(fit), response(fit, 4000));

        assertThat(store.get(key(0))).isEqualTo(response(5, 4000));
        assertThat(store.get(key(1))).isNull();
        assertThat(store.entryCount()).isEqualTo(fit);
    }

    @Test
    void replacementsOfOtherSizesKeepTheAccountingExactAcrossAReopen() {
        DiskEntryStore first = store(64 * MB);
        first.put(key(2), response(2, 700));
        long other = first.weightedSize();
        first.put(key(1), response(1, 1000));
        first.put(key(1), response(1, 3000)); // grows within the touch interval: index value rewritten
        clock.advance(Duration.ofMinutes(2));
        first.put(key(1), response(1, 500)); // shrinks after it: index entry moved

        long expected = other + DiskEntryStore.accountedSize(key(1), EntryCodecSizes.encoded(key(1), 500));
        assertThat(first.weightedSize()).isEqualTo(expected);
        first.close();

        DiskEntryStore second = store(64 * MB);
        assertThat(second.weightedSize()).isEqualTo(expected);
        assertThat(second.entryCount()).isEqualTo(2);
        assertThat(second.get(key(1))).isEqualTo(response(1, 500));
        second.remove(key(1));
        second.remove(key(2));
        assertThat(second.weightedSize()).isZero();
    }

    @Test
    void aReplacementThatNeedsRoomEvictsOthersAndKeepsTheBound() {
        DiskEntryStore store = store(100 * 1024);
        int fit = fillToTheBudget(store);
        store.put(key(fit - 1), response(fit - 1, 12000)); // the newest grows: the oldest make room

        assertThat(store.get(key(fit - 1))).isEqualTo(response(fit - 1, 12000));
        assertThat(store.get(key(0))).isNull();
        assertThat(store.weightedSize()).isLessThanOrEqualTo(store.budget());
        assertThat(store.evictions()).isPositive();
    }

    @Test
    void boundHoldsUnderConcurrentLoad() throws Exception {
        long maxDisk = 2 * MB;
        // retention 0: MVStore retains dead chunks for wall-clock time, which a test cannot wait for
        DiskEntryStore store = store(maxDisk, MANUAL.withRetentionMs(0));
        int threads = 4;
        int perThread = 800;
        ConcurrentLinkedQueue<Long> overBudget = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = base; i < base + perThread; i++) {
                    store.put(key(i), response(i, 3000));
                    long size = store.weightedSize();
                    if (size > store.budget()) {
                        overBudget.add(size);
                    }
                    if (i % 100 == 0) {
                        store.flush();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        store.runMaintenance();

        // 3200 entries of ~3 KB is ~10 MB: most had to go
        assertThat(overBudget).isEmpty();
        assertThat(store.weightedSize()).isLessThanOrEqualTo(store.budget());
        assertThat(store.evictions()).isGreaterThan(2000);
        assertThat(store.entryCount()).isBetween(100L, 800L);
        assertThat(store.fileSize()).isLessThanOrEqualTo(maxDisk);
        // what is left is intact, and the store still takes writes
        int present = 0;
        for (int i = 0; i < threads * perThread; i++) {
            Object got = store.get(key(i));
            if (got != null) {
                assertThat(got).isEqualTo(response(i, 3000));
                present++;
            }
        }
        assertThat(present).isEqualTo(store.entryCount());
        store.put(key(-1), response(-1, 3000));
        assertThat(store.get(key(-1))).isEqualTo(response(-1, 3000));
    }

    @Test
    void anEntryLargerThanTheBudgetIsNotStored() {
        DiskEntryStore store = store(10 * 1024);
        store.put(key(1), response(1, 1000));

        store.put(key(2), response(2, 20_000));
        store.put(key(1), response(1, 20_000));

        assertThat(store.get(key(2))).isNull();
        assertThat(store.get(key(1))).isNull(); // the old, smaller version must not be served either
        assertThat(store.entryCount()).isZero();
    }

    @Test
    void inactiveEntriesArePurgedByMaintenance() {
        DiskEntryStore store = store(64 * MB);
        store.put(key(1), response(1, 100));
        store.put(key(2), response(2, 100));
        clock.advance(Duration.ofDays(200));
        store.get(key(2));
        clock.advance(Duration.ofDays(200));

        assertThat(store.entryCount()).isEqualTo(2); // nothing is purged on the request path
        store.runMaintenance();

        assertThat(store.get(key(1))).isNull();
        assertThat(store.get(key(2))).isEqualTo(response(2, 100));
        assertThat(store.entryCount()).isEqualTo(1);
    }

    @Test
    void removeIfScansOnlyThePrefix() {
        DiskEntryStore store = store(64 * MB);
        store.put("a\nx/1", response(1, 10));
        store.put("a\nx/2", response(2, 10));
        store.put("a\ny/1", response(3, 10));
        store.put("b\nx/1", response(4, 10));
        List<String> seen = new ArrayList<>();

        int removed = store.removeIf("a\n", k -> {
            seen.add(k);
            return k.contains("x/");
        });

        assertThat(removed).isEqualTo(2);
        assertThat(seen).containsExactly("a\nx/1", "a\nx/2", "a\ny/1");
        assertThat(store.get("a\ny/1")).isNotNull();
        assertThat(store.get("b\nx/1")).isNotNull();
        assertThat(store.removeIf(k -> k.startsWith("b"))).isEqualTo(1);
        assertThat(store.entryCount()).isEqualTo(1);
    }

    @Test
    void aRefreshIsServedAtOnceButNotJournaledAndWrittenOnlyWhenDue() throws Exception {
        Path journal = dir.resolve(Journal.FILE_NAME);
        DiskEntryStore store = store(64 * MB);
        store.put(key(1), response(1, 500));
        store.flush();

        store.refresh(key(1), refreshed(response(1, 500), 2));

        assertThat(store.get(key(1))).isEqualTo(refreshed(response(1, 500), 2));
        assertThat(Files.size(journal)).isZero();
        clock.advance(Duration.ofMillis(DiskEntryStore.REFRESH_WRITE_DELAY_MS - 1));
        store.flush();
        assertThat(store.pendingRefreshes()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        store.flush();
        assertThat(store.pendingRefreshes()).isZero();
        assertThat(store.get(key(1))).isEqualTo(refreshed(response(1, 500), 2));
    }

    @Test
    void aKeyRefreshedOverAndOverIsStillWrittenOncePerDelay() {
        DiskEntryStore store = store(64 * MB);
        store.put(key(1), response(1, 500));
        store.refresh(key(1), refreshed(response(1, 500), 2));
        clock.advance(Duration.ofMillis(DiskEntryStore.REFRESH_WRITE_DELAY_MS - 1000));
        store.refresh(key(1), refreshed(response(1, 500), 3));
        clock.advance(Duration.ofMillis(1000));

        store.flush();

        assertThat(store.pendingRefreshes()).isZero();
        assertThat(store.get(key(1))).isEqualTo(refreshed(response(1, 500), 3));
    }

    @Test
    void aCleanStopWritesEveryHeldRefreshThatStillHasItsDiskCopy() {
        DiskEntryStore first = store(64 * MB);
        first.put(key(1), response(1, 500));
        first.put(key(2), response(2, 500));
        first.refresh(key(1), refreshed(response(1, 500), 11));
        first.refresh(key(3), refreshed(response(3, 500), 13)); // a key the disk no longer had: nothing to refresh
        assertThat(first.get(key(3))).isNull();
        first.close();

        DiskEntryStore second = store(64 * MB);

        assertThat(second.get(key(1))).isEqualTo(refreshed(response(1, 500), 11));
        assertThat(second.get(key(2))).isEqualTo(response(2, 500));
        assertThat(second.get(key(3))).isNull();
        assertThat(second.entryCount()).isEqualTo(2);
    }

    @Test
    void aRefreshMadeForAnotherBodyIsNeverAppliedToTheDiskCopy() {
        DiskEntryStore first = store(64 * MB);
        first.put(key(1), response(1, 500));
        first.refresh(key(1), refreshed(response(2, 500), 5)); // e.g. two answers racing: not this copy's refresh

        assertThat(first.get(key(1))).isEqualTo(response(1, 500));
        assertThat(first.pendingRefreshes()).isZero();
        first.refresh(key(1), refreshed(response(2, 500), 6));
        first.close();

        assertThat(store(64 * MB).get(key(1))).isEqualTo(response(1, 500));
    }

    @Test
    void aPutOrRemoveAfterARefreshIsNeverUndoneByIt() {
        DiskEntryStore first = store(64 * MB);
        for (int i = 1; i <= 3; i++) {
            first.put(key(i), response(i, 500));
            first.refresh(key(i), refreshed(response(i, 500), 10 + i));
        }
        first.put(key(1), response(21, 500));
        first.remove(key(2));
        first.removeIf(k -> k.equals(key(3)));
        clock.advance(Duration.ofMillis(DiskEntryStore.REFRESH_WRITE_DELAY_MS));
        first.flush();
        first.close();

        DiskEntryStore second = store(64 * MB);

        assertThat(second.get(key(1))).isEqualTo(response(21, 500));
        assertThat(second.get(key(2))).isNull();
        assertThat(second.get(key(3))).isNull();
        assertThat(second.entryCount()).isEqualTo(1);
    }

    @Test
    void aRefreshThatArrivesWhileAnInvalidationScansDoesNotOutliveIt() {
        DiskEntryStore first = store(64 * MB);
        first.put(key(1), response(1, 500));

        // a 304 for the key lands between the invalidation's first look at the refreshes and its removal
        int removed = first.removeIf(k -> {
            first.refresh(key(1), refreshed(response(1, 500), 2));
            return k.equals(key(1));
        });

        assertThat(removed).isEqualTo(1);
        assertThat(first.get(key(1))).isNull();
        first.close();
        assertThat(store(64 * MB).get(key(1))).isNull();
    }

    @Test
    void withACommitPerWriteARefreshIsWrittenAtOnce() {
        DiskEntryStore store = store(64 * MB, MANUAL.withDurability(DiskEntryStore.Durability.COMMIT_EACH_WRITE));
        store.put(key(1), response(1, 500));

        store.refresh(key(1), refreshed(response(1, 500), 2));

        assertThat(store.pendingRefreshes()).isZero();
        assertThat(store.get(key(1))).isEqualTo(refreshed(response(1, 500), 2));
    }

    @Test
    void journalIsReplayedAndEmptiedByACommit() throws Exception {
        Path journal = dir.resolve(Journal.FILE_NAME);
        DiskEntryStore store = store(64 * MB);
        store.put(key(1), response(1, 100));

        assertThat(Files.size(journal)).isPositive();
        store.flush();
        assertThat(Files.size(journal)).isZero();
    }

    @Test
    void manyWritesAreCommittedEarlyInSmallChunksWithoutWaitingForTheFlushPeriod() throws Exception {
        Path journal = dir.resolve(Journal.FILE_NAME);
        DiskEntryStore.Tuning hourlyFlush = new DiskEntryStore.Tuning(true, Duration.ofHours(1), Duration.ofHours(1),
                10_000, 50, 80, DiskEntryStore.Durability.JOURNAL);
        DiskEntryStore store = store(64 * MB, hourlyFlush);
        await().atMost(Duration.ofSeconds(20)).until(store::isAvailable);

        store.put(key(0), response(0, 1000));
        assertThat(Files.size(journal)).as("one small write waits for the flush").isPositive();

        int entries = (int) (DiskEntryStore.EARLY_COMMIT_BYTES / 10_000) + 2;
        for (int i = 1; i <= entries; i++) {
            store.put(key(i), response(i, 10_000));
        }

        // committed (so the journal emptied) once past the threshold; only writes after that commit remain
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.size(journal) < 200_000);
        assertThat(store.get(key(entries))).isEqualTo(response(entries, 10_000));
        assertThat(store.get(key(0))).isEqualTo(response(0, 1000));
    }

    @Test
    void aDirectoryThatCannotBeCreatedStopsStartupNamingIt() throws Exception {
        Path regularFile = Files.writeString(dir.resolve("not-a-dir"), "x");
        Path cacheDir = regularFile.resolve("cache");

        assertThatThrownBy(() -> new DiskEntryStore(cacheDir, MB, Duration.ofDays(1), clock))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("github.cache.dir")
                .hasMessageContaining("GITHUB_CACHE_DIR")
                .hasMessageContaining(cacheDir.toString());
    }

    @Test
    void aRegularFileAsDirectoryStopsStartupNamingIt() throws Exception {
        Path regularFile = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> new DiskEntryStore(regularFile, MB, Duration.ofDays(1), clock))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("github.cache.dir")
                .hasMessageContaining(regularFile.toString());
    }

    @Test
    void aSecondInstanceOnTheSameDirectoryIsRefusedAndTheFileKept() {
        DiskEntryStore first = store(64 * MB);
        first.put(key(1), response(1, 100));

        assertThatThrownBy(() -> store(64 * MB))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("github.cache.dir")
                .hasMessageContaining("in use by another process");
        first.put(key(2), response(2, 100));
        first.close();

        DiskEntryStore reopened = store(64 * MB);
        assertThat(reopened.get(key(1))).isEqualTo(response(1, 100));
        assertThat(reopened.get(key(2))).isEqualTo(response(2, 100));
    }

    @Test
    void aPendingInterruptDoesNotBreakTheStore() {
        DiskEntryStore store = store(64 * MB);
        store.put(key(1), response(1, 100));
        store.flush();

        Thread.currentThread().interrupt();
        CachedResponse got;
        try {
            store.put(key(2), response(2, 100));
            got = (CachedResponse) store.get(key(1));
            store.flush();
        } finally {
            assertThat(Thread.interrupted()).isTrue(); // the flag is given back
        }

        assertThat(got).isEqualTo(response(1, 100));
        assertThat(store.isAvailable()).isTrue();
        assertThat(store.get(key(2))).isEqualTo(response(2, 100));
    }
}
