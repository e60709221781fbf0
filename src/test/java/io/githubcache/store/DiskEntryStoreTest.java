package io.githubcache.store;

import static io.githubcache.store.StoreTestData.key;
import static io.githubcache.store.StoreTestData.refreshed;
import static io.githubcache.store.StoreTestData.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.Stored;
import io.githubcache.cache.VaryMarker;
import io.githubcache.config.InvalidSettingException;
import io.githubcache.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
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

    /** What each of the threads {@link #concurrently} starts does, given its number. */
    private interface ThreadTask {
        void run(int thread) throws Exception;
    }

    /** Runs {@code task} on {@code threads} threads started together, and waits (a minute at most) for them. */
    private static void concurrently(int threads, ThreadTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                task.run(thread);
                return null;
            }));
        }
        go.countDown();
        try {
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void boundHoldsUnderConcurrentLoad() throws Exception {
        long maxDisk = 2 * MB;
        // retention 0: MVStore retains dead chunks for wall-clock time, which a test cannot wait for
        DiskEntryStore store = store(maxDisk, MANUAL.withRetentionMs(0));
        int threads = 4;
        int perThread = 800;
        ConcurrentLinkedQueue<Long> overBudget = new ConcurrentLinkedQueue<>();
        concurrently(threads, t -> {
            for (int i = t * perThread; i < (t + 1) * perThread; i++) {
                store.put(key(i), response(i, 3000));
                long size = store.weightedSize();
                if (size > store.budget()) {
                    overBudget.add(size);
                }
                if (i % 100 == 0) {
                    store.flush();
                }
            }
        });
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

    /**
     * The file's bound between maintenance runs: a flush that finds the file over max-disk shrinks it. With the
     * default retention (10 s of wall-clock time) MVStore reuses no dead chunk during these tests, so the file grows
     * with every commit, as under a write rate that outruns the retention time.
     */
    @Nested
    class ShrinkingTheFile {

        private static final long MAX_DISK = 4 * MB;
        /** About 12 MB of answers, three times max-disk. */
        private static final int WRITES = 6000;
        private static final int SIZE = 2000;
        private static final int PER_FLUSH = 100;
        /** Small writes made during a shrink's copy. */
        private static final int MANY = 1500;

        @Test
        void aFlushThatFindsTheFileOverMaxDiskShrinksItAndKeepsTheMostRecentlyUsed() {
            DiskEntryStore store = store(MAX_DISK, MANUAL);
            String hot = "hot";
            store.put(hot, response(-1, SIZE));
            long largest = 0;
            for (int i = 0; i < WRITES; i++) {
                store.put(key(i), response(i, SIZE));
                if (i % PER_FLUSH == PER_FLUSH - 1) {
                    clock.advance(Duration.ofMinutes(2)); // past the touch interval: the read below moves it up
                    assertThat(store.get(hot)).isEqualTo(response(-1, SIZE));
                    store.flush();
                    largest = Math.max(largest, store.fileSize());
                }
            }

            assertThat(largest).as("the file after each flush, never waiting for maintenance").isLessThanOrEqualTo(MAX_DISK);
            assertThat(store.shrinks()).isGreaterThan(3);
            assertThat(store.weightedSize()).isLessThanOrEqualTo(store.budget());
            assertThat(Files.exists(dir.resolve(DiskEntryStore.FILE_NAME + DiskEntryStore.COMPACT_SUFFIX))).isFalse();
            // the most recently used: the key read all along, and the last writes
            assertThat(store.get(hot)).isEqualTo(response(-1, SIZE));
            for (int i = WRITES - 300; i < WRITES; i++) {
                assertThat(store.get(key(i))).isEqualTo(response(i, SIZE));
            }
            long entries = store.entryCount();
            long bytes = store.weightedSize();
            store.close();

            DiskEntryStore reopened = store(MAX_DISK, MANUAL);
            assertThat(reopened.entryCount()).isEqualTo(entries);
            assertThat(reopened.weightedSize()).isEqualTo(bytes);
            assertThat(reopened.get(key(WRITES - 1))).isEqualTo(response(WRITES - 1, SIZE));
        }

        @Test
        void theBackgroundFlushShrinksTheFileLongBeforeMaintenance() {
            DiskEntryStore store = store(MAX_DISK, new DiskEntryStore.Tuning(true, Duration.ofMillis(20), Duration.ofHours(1),
                    10_000, 50, 80, DiskEntryStore.Durability.JOURNAL));
            await().atMost(Duration.ofSeconds(20)).until(store::isAvailable);

            for (int i = 0; i < WRITES; i++) {
                store.put(key(i), response(i, SIZE));
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> store.fileSize() <= MAX_DISK);
            assertThat(store.get(key(WRITES - 1))).isEqualTo(response(WRITES - 1, SIZE));
        }
        @Test
        void whileAShrinkCopiesLookupsAndWritesUseTheOldFileAndTheNewOneGetsEveryChange() {
            DiskEntryStore store = store(MAX_DISK, MANUAL);
            AtomicInteger lastWritten = new AtomicInteger(-1);
            AtomicBoolean copied = new AtomicBoolean();
            List<Object> readDuring = new ArrayList<>();
            AtomicLong entriesDuring = new AtomicLong();
            AtomicBoolean availableDuring = new AtomicBoolean();
            store.afterShrinkCopy(() -> {
                if (copied.getAndSet(true)) {
                    return;
                }
                int last = lastWritten.get();
                clock.advance(Duration.ofMinutes(2)); // what follows is the most recent use, kept by the evictions it makes
                readDuring.add(store.get(key(last)));
                readDuring.add(store.get(key(last - 3)));
                entriesDuring.set(store.entryCount());
                availableDuring.set(store.isAvailable());
                store.put("new", response(-2, SIZE));
                store.remove(key(last));
                store.put(key(last - 1), response(-3, SIZE));
                store.removeIf(key(last - 2), k -> k.equals(key(last - 2)));
                for (int i = 0; i < MANY; i++) { // more than are copied again under the lock at the swap
                    store.put("many" + i, response(i, 10));
                }
            });
            for (int i = 0; !copied.get(); i++) {
                store.put(key(i), response(i, SIZE));
                lastWritten.set(i);
                if (i % PER_FLUSH == PER_FLUSH - 1) {
                    store.flush();
                }
            }
            int last = lastWritten.get();

            assertThat(readDuring).as("lookups while the shrink copies")
                    .containsExactly(response(last, SIZE), response(last - 3, SIZE));
            assertThat(entriesDuring.get()).isGreaterThan(last / 10);
            assertThat(availableDuring).isTrue();
            // the writes made while it copied are in the new file
            assertChanges(store, last);
            assertThat(store.weightedSize()).as("the accounting of the new file")
                    .isEqualTo(accountedBytes(store, last)).isLessThanOrEqualTo(store.budget());
            long entries = store.entryCount();
            store.close();

            DiskEntryStore reopened = store(MAX_DISK, MANUAL);
            assertChanges(reopened, last);
            assertThat(reopened.entryCount()).isEqualTo(entries);
            assertThat(reopened.weightedSize()).isEqualTo(accountedBytes(reopened, last));
        }

        @Test
        void aLookupRacingTheShrinksNeverMissesAnEntryTheyKeep() throws Exception {
            DiskEntryStore store = store(MAX_DISK, MANUAL);
            String hot = "hot";
            store.put(hot, response(-1, SIZE));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            ConcurrentLinkedQueue<Object> wrong = new ConcurrentLinkedQueue<>();
            ExecutorService reader = Executors.newSingleThreadExecutor();
            Future<?> reading = reader.submit(() -> {
                while (!stop.get()) {
                    Object got = store.get(hot);
                    if (!response(-1, SIZE).equals(got)) {
                        wrong.add(String.valueOf(got));
                    }
                    reads.incrementAndGet();
                }
            });
            try {
                for (int i = 0; i < WRITES; i++) {
                    store.put(key(i), response(i, SIZE));
                    if (i % PER_FLUSH == PER_FLUSH - 1) {
                        clock.advance(Duration.ofMinutes(2));
                        store.touch(hot); // applied by the flush: the most recently used, whatever the reader's luck
                        store.flush();
                    }
                }
            } finally {
                stop.set(true);
                reading.get(30, TimeUnit.SECONDS);
                reader.shutdown();
            }

            assertThat(store.shrinks()).as("the writes went through shrinks").isGreaterThan(3);
            assertThat(reads.get()).isPositive();
            assertThat(wrong).as("lookups of the entry kept by every shrink").isEmpty();
        }

        @Test
        void writersRacingBackgroundShrinksNeverSeeAnOldOrRemovedEntryComeBack() throws Exception {
            DiskEntryStore store = store(MAX_DISK, new DiskEntryStore.Tuning(true, Duration.ofMillis(5),
                    Duration.ofHours(1), 10_000, 50, 80, DiskEntryStore.Durability.JOURNAL));
            await().atMost(Duration.ofSeconds(20)).until(store::isAvailable);
            int threads = 4;
            int perThread = 2000;
            concurrently(threads, t -> {
                for (int i = t * perThread; i < (t + 1) * perThread; i++) {
                    store.put(key(i), response(i, SIZE));
                    if (i % 3 == 0) {
                        store.put(key(i), response(-i, SIZE)); // a replacement: the first must not return
                    } else if (i % 3 == 1) {
                        store.remove(key(i));
                    }
                    store.get(key(i - 1));
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> store.fileSize() <= MAX_DISK);

            assertThat(store.shrinks()).isPositive();
            assertIntact(store, threads * perThread);
            long entries = store.entryCount();
            store.close();
            DiskEntryStore reopened = store(MAX_DISK, MANUAL);
            assertThat(reopened.entryCount()).isEqualTo(entries);
            assertIntact(reopened, threads * perThread);
        }

        /** Every entry left is the last one written for its key, none removed is back, and the sizes add up. */
        private static void assertIntact(DiskEntryStore store, int keys) {
            long bytes = 0;
            int present = 0;
            for (int i = 0; i < keys; i++) {
                Stored got = store.get(key(i));
                if (got == null) {
                    continue;
                }
                present++;
                assertThat(i % 3).as("key %d was removed", i).isNotEqualTo(1);
                assertThat(got).isEqualTo(i % 3 == 0 ? response(-i, SIZE) : response(i, SIZE));
                bytes += DiskEntryStore.accountedSize(key(i), EntryCodec.encode(key(i), got).length);
            }
            assertThat(present).isEqualTo(store.entryCount()).isPositive();
            assertThat(store.weightedSize()).isEqualTo(bytes);
        }

        @Test
        void anUnfinishedCopyACrashLeftIsDeletedAtOpen() throws Exception {
            Path copy = dir.resolve(DiskEntryStore.FILE_NAME + DiskEntryStore.COMPACT_SUFFIX);
            Files.write(copy, new byte[64 * 1024]);

            DiskEntryStore store = store(MAX_DISK, MANUAL);

            assertThat(copy).doesNotExist();
            store.put(key(1), response(1, SIZE));
            assertThat(store.get(key(1))).isEqualTo(response(1, SIZE));
        }

        @Test
        void aShrinkLeftOverMaxDiskByTheWritesDuringItsCopyIsFollowedByAnotherAtTheNextFlush() {
            DiskEntryStore store = store(MAX_DISK, MANUAL);
            AtomicInteger passes = new AtomicInteger();
            // more keys than a swap copies under the lock, so each catch-up round copies them: about 1.2 MB each
            int perPass = 1200;
            store.afterShrinkCopy(() -> {
                if (store.shrinks() > 0) {
                    return;
                }
                int pass = passes.getAndIncrement();
                clock.advance(Duration.ofMinutes(2)); // the most recent use: each pass evicts what came before
                for (int i = 0; i < perPass; i++) {
                    store.put("during" + pass + "-" + i, response(i, SIZE / 2));
                }
            });
            for (int i = 0; passes.get() == 0; i++) {
                store.put(key(i), response(i, SIZE));
                if (i % PER_FLUSH == PER_FLUSH - 1) {
                    store.flush();
                }
            }
            assertThat(store.shrinks()).isEqualTo(1);
            assertThat(store.fileSize()).as("the first shrink ended over max-disk").isGreaterThan(MAX_DISK);

            store.flush();

            assertThat(store.shrinks()).isEqualTo(2);
            assertThat(store.fileSize()).isLessThanOrEqualTo(MAX_DISK);
            int last = passes.get() - 1;
            assertThat(store.get("during" + last + "-" + (perPass - 1))).isEqualTo(response(perPass - 1, SIZE / 2));
        }

        @Test
        void aMaxDiskBelowAnEmptyStoresFileDoesNotRewriteItAtEveryFlush() throws Exception {
            DiskEntryStore store = store(1024, MANUAL);
            store.put("small", response(1, 10));
            store.flush(); // over 1 KB: rewritten once
            Object fileBefore = Files.readAttributes(store.file(), BasicFileAttributes.class).fileKey();

            for (int i = 0; i < 3; i++) {
                store.put("small", response(i, 10));
                store.flush();
            }

            assertThat(store.fileSize()).isGreaterThan(1024);
            assertThat(Files.readAttributes(store.file(), BasicFileAttributes.class).fileKey())
                    .as("the same file, not a new copy per flush").isEqualTo(fileBefore);
        }

        private static void assertChanges(DiskEntryStore store, int last) {
            assertThat(store.get("new")).isEqualTo(response(-2, SIZE));
            assertThat(store.get(key(last))).isNull();
            assertThat(store.get(key(last - 1))).isEqualTo(response(-3, SIZE));
            assertThat(store.get(key(last - 2))).isNull();
            assertThat(store.get(key(last - 3))).isEqualTo(response(last - 3, SIZE));
            for (int i = 0; i < MANY; i++) {
                assertThat(store.get("many" + i)).isEqualTo(response(i, 10));
            }
        }

        /** The accounted bytes of every entry the test wrote that the store still has. */
        private static long accountedBytes(DiskEntryStore store, int last) {
            List<String> keys = new ArrayList<>(List.of("new"));
            for (int i = 0; i <= last; i++) {
                keys.add(key(i));
            }
            for (int i = 0; i < MANY; i++) {
                keys.add("many" + i);
            }
            long bytes = 0;
            for (String k : keys) {
                Stored v = store.get(k);
                if (v != null) {
                    bytes += DiskEntryStore.accountedSize(k, EntryCodec.encode(k, v).length);
                }
            }
            return bytes;
        }
    }
}
