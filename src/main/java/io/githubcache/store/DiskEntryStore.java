package io.githubcache.store;

import io.githubcache.cache.EntryStore;
import io.githubcache.cache.Stored;
import io.githubcache.config.InvalidSettingException;
import io.githubcache.util.Causes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent tier: one H2 MVStore file ({@value #FILE_NAME}) plus a write journal in
 * {@code github.cache.dir}.
 *
 * <p>Four maps, always changed together under one lock and committed together, so every version MVStore
 * writes is consistent (MVStore's own auto-commit is off: it could otherwise persist half of a change):
 * <ul>
 *   <li>{@code entries}: key to {@link EntryCodec} bytes (format version + CRC32C);</li>
 *   <li>{@code atime}: key to the last access time (epoch ms), rewritten at most once per
 *       {@link TouchInterval} per key (by reads, by puts that replace an entry, and by the uses the memory
 *       tier reports through {@link #touch}, which the flush applies in batches), so reads rarely write;</li>
 *   <li>{@code lru}: an index ordered by access time ({@code 16 hex digits of the time + key}) to the bytes
 *       the entry accounts for; its first key is the least recently used entry;</li>
 *   <li>{@code stats}: the summed accounted bytes, so opening the store needs no scan.</li>
 * </ul>
 *
 * <p>Durability ({@link Durability#JOURNAL}, the default): each {@code put}/{@code remove} is appended to
 * {@link Journal} before it returns (one {@code write()}, no fsync), so a killed process ({@code kill -9})
 * loses nothing that was answered; the flush task commits MVStore once per {@link Tuning#flushPeriod()},
 * empties the journal and fsyncs, so a power loss can lose about that much. Opening replays the journal.
 * A {@link #refresh} (a {@code 304}'s new headers and lifetime over the same body) is held in memory
 * ({@link PendingRefreshes}) and written by a flush once it is {@link #REFRESH_WRITE_DELAY_MS} old, and at a clean
 * stop: a crash before that keeps the older copy of the same answer, which the next request revalidates at no
 * rate-limit cost.
 *
 * <p>Bound: a put that takes the accounted bytes over the budget evicts least recently used entries in the
 * same change, so the bound holds after every put. The budget is {@link Tuning#liveBudgetPercent()} of
 * {@code max-disk}, leaving room for MVStore's copy-on-write overhead (old chunks, partly filled chunks, dead
 * chunks kept for {@link Tuning#retentionMs()}), which the flush task compacts a little at a time. Writes can
 * outrun that (more written within the retention time than the room left): the flush that then finds the file
 * over {@code max-disk} rewrites it ({@link #shrinkFile}), keeping the most recently used entries up to
 * {@link #LOW_WATER_PERCENT}% of the budget in a dense copy ({@value #COMPACT_SUFFIX}) that replaces the file.
 * So the file passes {@code max-disk} by at most what is committed between two flushes (the writes of about one
 * {@link Tuning#flushPeriod()}), or, while a rewrite copies, by what is committed during the copy, with the
 * copy (about 3/8 of {@code max-disk} with the defaults) beside it. Lookups and writes go on during a rewrite.
 * Maintenance (every {@link Tuning#maintenancePeriod()}, off the request path) purges entries not used for
 * {@code inactive}.
 *
 * <p>Damage: an entry whose bytes fail the codec's checks is a miss and is removed. A file MVStore cannot
 * open is renamed to {@code *.corrupt-<timestamp>} and the store starts empty. If MVStore fails while
 * running (an I/O error, an unreadable page), the tier answers misses until maintenance reopens the file.
 *
 * <p>Permissions are not damage: a store file or journal this process may not write (a volume left by a
 * container that ran as another user) stops startup with one line naming {@code github.cache.dir} and the file
 * (MVStore would otherwise open it read-only and fail at the first write), and a write refused at run time
 * ({@link #isPermissionFailure}) leaves the file in place: the tier serves misses until it can reopen it.
 */
public final class DiskEntryStore implements EntryStore {

    public static final String DIR_SETTING = "github.cache.dir";
    public static final String FILE_NAME = "github-cache.mv.db";
    static final String CORRUPT_SUFFIX = ".corrupt-";
    static final String LOCK_FILE = "github-cache.lock";
    /** How long the constructor waits for the file to open before leaving it to the background. */
    private static final long OPEN_WAIT_MS = 500;
    /** Uses reported by the tier above ({@link #touch}) held for the next flush; more are dropped. */
    static final int MAX_PENDING_TOUCHES = 65_536;
    /** Bytes accounted per entry on top of value and keys: page and index overhead. */
    static final long ENTRY_OVERHEAD = 96;
    private static final int PURGE_BATCH = 1_000;
    /** The copy a shrink writes beside the store file, renamed over it when complete. */
    static final String COMPACT_SUFFIX = ".compact";
    /**
     * A shrink keeps the most recently used entries up to this share of the budget, so the new file has room to
     * grow (about half of max-disk with the defaults) before a steady stream of writes takes it over again.
     */
    static final int LOW_WATER_PERCENT = 75;
    /** Sorts after every LRU index key (they start with hex digits): a shrink keeping nothing. */
    private static final String KEEP_NONE = "~";
    /** Keys changed during a shrink's copy that are few enough to copy again under the lock, at the swap. */
    private static final int CHANGES_COPIED_LOCKED = 1_024;
    /** Rounds of copying changed keys again without the lock before the rest is copied under it. */
    private static final int CATCH_UP_ROUNDS = 4;
    /** Most bytes of live pages one flush rewrites when compacting. */
    private static final int COMPACT_WRITE_LIMIT = 4 * 1024 * 1024;
    /** How long a refreshed entry's disk copy may stay behind before a flush writes the refresh. */
    static final long REFRESH_WRITE_DELAY_MS = 5 * 60_000;
    /** Refreshes written per hold of the lock, so a flush does not hold up the writers on the event loops. */
    private static final int REFRESH_BATCH = 256;
    /** A journal this large is committed early, whatever the flush period. */
    private static final long JOURNAL_LIMIT = 64L * 1024 * 1024;
    /**
     * Bytes written since the last commit above which the background thread commits early, so each MVStore
     * chunk stays small enough for MVStore to reuse its write buffer: it drops buffers over 4 MB, and a new
     * one grows through 1, 2, 3, 4.5 MB..., each a heap object the size of a G1 region or more. Under a
     * steady stream of misses those allocations started a concurrent GC cycle about every two seconds.
     */
    static final long EARLY_COMMIT_BYTES = 1536 * 1024;
    private static final String BYTES_STAT = "bytes";
    private static final Logger LOG = LoggerFactory.getLogger(DiskEntryStore.class);

    /** How a write is made durable before {@code put} returns. */
    public enum Durability {
        /** Appended to the journal (survives kill -9); MVStore commits once per flush period. */
        JOURNAL,
        /** An MVStore commit per write (survives kill -9; costs ~20x the entry size in writes). */
        COMMIT_EACH_WRITE,
        /** Only the periodic commit: a crash loses up to one flush period of writes. */
        PERIODIC
    }

    /**
     * Knobs with production defaults; tests shorten or disable the background tasks.
     *
     * @param background        run the flush and maintenance tasks on a daemon thread
     * @param flushPeriod       commit, compact a little and fsync this often
     * @param maintenancePeriod purge inactive entries and reopen after a failure this often
     * @param retentionMs       how long MVStore keeps a dead chunk before reusing its space
     * @param liveBudgetPercent share of max-disk the accounted entry bytes may use
     * @param compactFillRate   rewrite chunks while MVStore's chunk fill rate is below this percentage
     * @param durability        see {@link Durability}
     */
    public record Tuning(boolean background, Duration flushPeriod, Duration maintenancePeriod, int retentionMs,
            int liveBudgetPercent, int compactFillRate, Durability durability) {

        public static Tuning defaults() {
            return new Tuning(true, Duration.ofSeconds(1), Duration.ofMinutes(1), 10_000, 50, 80,
                    Durability.JOURNAL);
        }

        /** No background thread: the caller drives {@link #flush()} and {@link #runMaintenance()}. */
        public Tuning manual() {
            return new Tuning(false, flushPeriod, maintenancePeriod, retentionMs, liveBudgetPercent, compactFillRate,
                    durability);
        }

        public Tuning withRetentionMs(int ms) {
            return new Tuning(background, flushPeriod, maintenancePeriod, ms, liveBudgetPercent, compactFillRate,
                    durability);
        }

        public Tuning withDurability(Durability d) {
            return new Tuning(background, flushPeriod, maintenancePeriod, retentionMs, liveBudgetPercent,
                    compactFillRate, d);
        }
    }

    private final Path dir;
    private final Path file;
    private final long maxDisk;
    private final long budget;
    /** What a shrink keeps of the entries' accounted bytes ({@link #LOW_WATER_PERCENT} of the budget). */
    private final long lowWater;
    private final long inactiveMs;
    /** A key's access time is rewritten at most this often (see {@link TouchInterval}). */
    private final long touchIntervalMs;
    private final Clock clock;
    private final Tuning tuning;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean unsynced = new AtomicBoolean();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong corruptEntries = new AtomicLong();
    private final Journal journal;
    private final FileLock dirLock;
    private final ScheduledExecutorService background;
    private volatile Db db;
    private volatile long liveBytes;
    private volatile boolean closed;
    /** Changes made and changes committed (guarded by the lock): group commit in COMMIT_EACH_WRITE. */
    private long changes;
    private long committed;
    /** Bytes of keys and values written since the last commit (guarded by the lock). */
    private long uncommittedBytes;
    private final AtomicBoolean earlyCommitQueued = new AtomicBoolean();
    private boolean journalFailed;
    /** True until the file is open (guarded by the lock); writes then go to the journal only. */
    private boolean opening = true;
    private final List<Predicate<String>> pendingRemovals = new ArrayList<>();
    /** A put or remove of a key drops its refresh (under the lock), so a flush never writes one over it. */
    private final PendingRefreshes pendingRefreshes = new PendingRefreshes();
    /** Keys the tier above served ({@link #touch}), applied by the next flush; counted to stay bounded. */
    private final ConcurrentLinkedQueue<String> touched = new ConcurrentLinkedQueue<>();
    private final AtomicInteger touchedCount = new AtomicInteger();
    private final AtomicBoolean shrinking = new AtomicBoolean();
    /**
     * The least size the last shrink could reach: its file's size, or the size with the entries it kept alone when
     * writes were made during its copy (written by the shrinking thread, which the flush runs on).
     */
    private volatile long shrunkTo;
    /** Bytes put into a shrink's copy since its last commit (the shrinking thread's own). */
    private long copyUnsaved;
    private final AtomicLong shrinks = new AtomicLong();
    /** Keys changed while a shrink copies the file (guarded by the lock; null when none does). */
    private Set<String> changedWhileShrinking;
    /** Whether any key changed during the running shrink's copy (guarded by the lock). */
    private boolean anyChangeWhileShrinking;
    /** Runs after a shrink's copy and after each of its catch-up rounds; tests use it to read and write meanwhile. */
    private volatile Runnable afterShrinkCopy = () -> { };

    /** The maps of one open MVStore file. */
    private record Db(MVStore store, MVMap<String, byte[]> entries, MVMap<String, Long> atime,
            MVMap<String, Long> lru, MVMap<String, Long> stats) {
    }

    /**
     * Opens (or creates) the store in {@code dir}, replaying the journal a crash left.
     *
     * @throws InvalidSettingException naming {@code github.cache.dir} when the directory cannot be created or
     *                                 written, or another process holds the store file
     */
    public DiskEntryStore(Path dir, long maxDiskBytes, Duration inactive, Clock clock) {
        this(dir, maxDiskBytes, inactive, clock, Tuning.defaults());
    }

    public DiskEntryStore(Path dir, long maxDiskBytes, Duration inactive, Clock clock, Tuning tuning) {
        this.dir = dir.toAbsolutePath().normalize();
        this.file = this.dir.resolve(FILE_NAME);
        this.maxDisk = maxDiskBytes;
        this.budget = Math.max(1, maxDiskBytes / 100 * tuning.liveBudgetPercent()
                + maxDiskBytes % 100 * tuning.liveBudgetPercent() / 100);
        this.lowWater = budget / 100 * LOW_WATER_PERCENT + budget % 100 * LOW_WATER_PERCENT / 100;
        this.inactiveMs = inactive.toMillis();
        this.touchIntervalMs = Math.max(1, TouchInterval.forInactive(inactive).millis());
        this.clock = clock;
        this.tuning = tuning;
        prepareDirectory();
        requireWritableFiles(this.dir, Files::isWritable);
        this.dirLock = lockDirectory();
        deleteLeftCopy();
        try {
            this.journal = new Journal(this.dir.resolve(Journal.FILE_NAME));
        } catch (IOException e) {
            releaseDirectory();
            throw new InvalidSettingException(DIR_SETTING, this.dir.toString(),
                    "the journal file cannot be opened (" + e + ")");
        }
        if (!tuning.background()) {
            background = null;
            try {
                openAndReplay();
            } catch (RuntimeException | AssertionError e) {
                try {
                    journal.close();
                } catch (IOException ignored) {
                    // failing anyway
                }
                releaseDirectory();
                throw e;
            }
            return;
        }
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "github-cache-disk");
            t.setDaemon(true);
            return t;
        });
        // Opening is quick after a clean stop (tens of ms for 100,000 entries), but after a crash MVStore
        // looks for the newest intact chunk, which can take seconds on a large file: startup does not wait for
        // that, the tier answers misses until it is open.
        Future<?> openTask = background.submit(() -> {
            try {
                openAndReplay();
            } catch (InvalidSettingException e) {
                throw e; // an unwritable file: startup stops, if it is still waiting (below)
            } catch (Throwable t) {
                LOG.warn("disk cache background task failed: {}", t.toString());
            }
        });
        try {
            openTask.get(OPEN_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("disk cache {}: still opening (recovering from an unclean stop?); serving misses until ready",
                    file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidSettingException refused) {
                close(); // opening found the file unwritable: startup stops, the directory is free again
                throw refused;
            }
            LOG.warn("disk cache {}: opening failed: {}", file, e.getCause().toString());
        }
        long flush = tuning.flushPeriod().toMillis();
        long maint = tuning.maintenancePeriod().toMillis();
        background.scheduleWithFixedDelay(guarded(this::flush), flush, flush, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(guarded(this::runMaintenance), maint, maint, TimeUnit.MILLISECONDS);
    }

    /**
     * Writes that arrive while the file is still opening go to the journal only, and are applied with it, so
     * what is answered in that time survives a crash too.
     */
    private void journalWhileOpeningLocked(String key, byte[] putValue) {
        if (!opening || tuning.durability() != Durability.JOURNAL) {
            return;
        }
        try {
            if (putValue != null) {
                journal.appendPut(key, putValue);
            } else {
                journal.appendRemove(key);
            }
        } catch (IOException e) {
            LOG.warn("disk cache: journal write failed while opening: {}", e.toString());
        }
    }

    /** Opens the file (moving a damaged one aside) and replays the journal; the tier serves from then on. */
    private void openAndReplay() {
        long start = System.nanoTime();
        Db opened;
        try {
            opened = openOrReset();
        } catch (RuntimeException | AssertionError e) {
            lock.lock();
            try {
                opening = false;
                pendingRemovals.clear();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        List<Predicate<String>> removals;
        lock.lock();
        try {
            opening = false;
            removals = new ArrayList<>(pendingRemovals);
            pendingRemovals.clear();
            if (closed) {
                opened.store.closeImmediately();
                return;
            }
            liveBytes = storedBytes(opened);
            db = opened;
            replayJournal(opened);
        } finally {
            lock.unlock();
        }
        for (Predicate<String> removal : removals) {
            removeIf(removal); // invalidations that came while opening
        }
        LOG.info("disk cache {}: {} entries, {} bytes of {} allowed (max-disk {}), opened in {} ms", file,
                entryCount(), liveBytes, budget, maxDisk, (System.nanoTime() - start) / 1_000_000);
    }

    /** One process per directory: a second one would corrupt the journal. Held until {@link #close()}. */
    private FileLock lockDirectory() {
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = channel.tryLock();
            if (l != null) {
                return l;
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM
        } catch (IOException e) {
            closeQuietly(channel);
            throw new InvalidSettingException(DIR_SETTING, dir.toString(),
                    "cannot lock " + lockFile + " (" + e + ")");
        }
        closeQuietly(channel);
        throw new InvalidSettingException(DIR_SETTING, dir.toString(),
                "the cache directory is in use by another process; each instance needs its own directory");
    }

    /** A shrink's copy a crash left behind (the store file is whole: the copy replaces it only when complete). */
    private void deleteLeftCopy() {
        if (deleteCopy()) {
            LOG.info("disk cache: deleted {}, an unfinished copy", copyFile());
        }
    }

    /** The file a shrink copies the live data into before it replaces the store file. */
    private Path copyFile() {
        return dir.resolve(FILE_NAME + COMPACT_SUFFIX);
    }

    /** Deletes a shrink's copy, saying so when it cannot; true when there was one. */
    private boolean deleteCopy() {
        try {
            return Files.deleteIfExists(copyFile());
        } catch (IOException e) {
            LOG.warn("disk cache: cannot delete {}: {}", copyFile(), e.toString());
            return false;
        }
    }

    private void releaseDirectory() {
        try {
            dirLock.release();
        } catch (IOException e) {
            LOG.debug("disk cache: releasing the directory lock: {}", e.toString());
        }
        closeQuietly(dirLock.channel());
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    // ---------------------------------------------------------------- EntryStore

    /*
     * A FileChannel closes itself when the thread using it is interrupted (and fails at once if the interrupt
     * flag is already set), which would close MVStore's file under every other request. The public
     * operations therefore clear a pending interrupt for their duration and restore it afterwards.
     */

    @Override
    public Stored get(String key) {
        boolean interrupted = Thread.interrupted();
        try {
            return doGet(key);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void put(String key, Stored value) {
        boolean interrupted = Thread.interrupted();
        try {
            doPut(key, value);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Held for a later flush (see the class comment); written at once when the durability is a commit per write,
     * while the file is still opening, or when {@link PendingRefreshes} is full.
     */
    @Override
    public void refresh(String key, Stored value) {
        if (db == null || closed || tuning.durability() == Durability.COMMIT_EACH_WRITE
                || !pendingRefreshes.offer(key, value, clock.millis())) {
            put(key, value);
        } else {
            touch(key); // a use: the held refresh must not leave the key to the inactive purge meanwhile
        }
    }

    /**
     * Queues the use for the next flush (see {@link #applyTouches}): no lock, no I/O, so the tier above may call
     * it from an event loop. When {@link #MAX_PENDING_TOUCHES} are queued, more are dropped: the tier above
     * reports again after its next interval.
     */
    @Override
    public void touch(String key) {
        if (touchedCount.incrementAndGet() > MAX_PENDING_TOUCHES) {
            touchedCount.decrementAndGet();
            return;
        }
        touched.add(key);
    }

    @Override
    public void remove(String key) {
        boolean interrupted = Thread.interrupted();
        try {
            doRemove(key);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Removes the keys that start with {@code prefix} and pass the filter; scans only that key range, so an
     * invalidation of one token's path does not read the whole index.
     */
    @Override
    public int removeIf(String prefix, Predicate<String> keyFilter) {
        boolean interrupted = Thread.interrupted();
        try {
            return doRemoveIf(prefix, keyFilter);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Stored doGet(String key) {
        Db d = db;
        if (d == null) {
            return null;
        }
        PendingRefreshes.Pending refresh = pendingRefreshes.get(key);
        if (refresh != null && refresh.isWhole()) {
            return refresh.over(null);
        }
        byte[] data;
        try {
            data = d.entries.get(key);
        } catch (RuntimeException | AssertionError e) {
            if (db != d && db != null) {
                return doGet(key); // a shrink swapped the file under this read: read the new one
            }
            damaged(d, key, e);
            return null;
        }
        if (data == null) {
            return null;
        }
        Stored value;
        try {
            value = EntryCodec.decode(key, data);
        } catch (CorruptEntryException e) {
            corruptEntries.incrementAndGet();
            LOG.warn("disk cache: dropping a corrupt entry ({}) for {}", e.getMessage(), printable(key));
            remove(key);
            return null;
        }
        touchOnRead(d, key);
        if (refresh != null) {
            Stored refreshed = refresh.over(value);
            if (refreshed != null) {
                return refreshed;
            }
            pendingRefreshes.take(key, refresh); // the disk copy is another answer now: the refresh was not for it
        }
        return value;
    }

    private void doPut(String key, Stored value) {
        byte[] data = EntryCodec.encode(key, value);
        long size = accountedSize(key, data.length);
        long mine;
        lock.lock();
        Db d = db;
        try {
            pendingRefreshes.drop(key);
            if (d == null) {
                journalWhileOpeningLocked(key, data);
                return;
            }
            putLocked(d, key, data, size);
            mine = madeDurableLocked(d, key, data);
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "put");
            return;
        } finally {
            lock.unlock();
        }
        commitThrough(d, mine);
    }

    private void doRemove(String key) {
        long mine;
        lock.lock();
        Db d = db;
        try {
            pendingRefreshes.drop(key);
            if (d == null) {
                journalWhileOpeningLocked(key, null);
                return;
            }
            if (!removeLocked(d, key)) {
                return;
            }
            mine = madeDurableLocked(d, key, null);
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "remove");
            return;
        } finally {
            lock.unlock();
        }
        commitThrough(d, mine);
    }

    /** Scans every key (the small access-time map, not the entries): use {@link #removeIf(String, Predicate)}. */
    @Override
    public int removeIf(Predicate<String> keyFilter) {
        return removeIf("", keyFilter);
    }

    private int doRemoveIf(String prefix, Predicate<String> keyFilter) {
        // before the scan: a refresh the flush writes meanwhile is then on disk, where the scan finds it; and again
        // under the lock below, for a refresh that came during the scan
        pendingRefreshes.dropIf(prefix, keyFilter);
        Db d = db;
        if (d == null) {
            lock.lock();
            try {
                if (opening) {
                    pendingRemovals.add(k -> k.startsWith(prefix) && keyFilter.test(k));
                }
            } finally {
                lock.unlock();
            }
            return 0;
        }
        List<String> hits = new ArrayList<>();
        try {
            Iterator<String> keys = d.atime.keyIterator(prefix.isEmpty() ? null : prefix);
            while (keys.hasNext()) {
                String k = keys.next();
                if (!k.startsWith(prefix)) {
                    break;
                }
                if (keyFilter.test(k)) {
                    hits.add(k);
                }
            }
        } catch (RuntimeException | AssertionError e) {
            if (db != d && db != null) {
                return doRemoveIf(prefix, keyFilter); // a shrink swapped the file under the scan: scan the new one
            }
            failed(d, e, "scan");
            return 0;
        }
        if (hits.isEmpty()) {
            return 0;
        }
        int removed = 0;
        long mine = 0;
        boolean swapped = false;
        lock.lock();
        try {
            swapped = db != d;
            if (!swapped) {
                pendingRefreshes.dropIf(prefix, keyFilter);
                for (String k : hits) {
                    if (removeLocked(d, k)) {
                        removed++;
                        mine = madeDurableLocked(d, k, null);
                    }
                }
            }
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "removeIf");
        } finally {
            lock.unlock();
        }
        if (swapped) {
            // a shrink swapped the file (or a failure replaced it) since the scan: scan the new one
            return db == null ? 0 : doRemoveIf(prefix, keyFilter);
        }
        commitThrough(d, mine);
        return removed;
    }

    @Override
    public long entryCount() {
        Db d = db;
        try {
            return d == null ? 0 : d.entries.sizeAsLong();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The accounted bytes of all entries (encoded value, keys, overhead); kept within {@link #budget()}. */
    @Override
    public long weightedSize() {
        return liveBytes;
    }

    /** Commits, empties the journal, fsyncs and closes the file; the store answers misses afterwards. */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            doClose();
        } finally {
            if (interrupted || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void doClose() {
        closed = true;
        if (background != null) {
            // not shutdownNow(): an interrupt during FileChannel I/O closes MVStore's file
            background.shutdown();
            try {
                background.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // close the file all the same (the caller's close() gives the interrupt back)
            }
        }
        lock.lock();
        try {
            Db d = db;
            if (d != null) {
                try {
                    applyTouches(d);
                    // under the lock (it is reentrant), so no refresh slips in after this last write
                    writeRefreshes(d, Long.MAX_VALUE);
                } catch (RuntimeException | AssertionError e) {
                    LOG.warn("disk cache: writing the last refreshes failed: {}", e.toString());
                }
            }
            int unwritten = pendingRefreshes.clear();
            if (unwritten > 0) {
                LOG.warn("disk cache: {} refreshed entries keep their older copy on disk (the store was not open)",
                        unwritten);
            }
            db = null;
            if (d != null) {
                try {
                    commitLocked(d);
                    d.store.sync();
                    d.store.close();
                } catch (RuntimeException | AssertionError e) {
                    LOG.warn("disk cache: closing {} failed: {}", file, e.toString());
                    d.store.closeImmediately();
                }
            }
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("disk cache: closing the journal failed: {}", e.toString());
            }
            releaseDirectory();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- observability

    public Path file() {
        return file;
    }

    /** The size of the store file now, in bytes. */
    public long fileSize() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The configured bound, {@code github.cache.max-disk}: {@link #fileSize()} is brought below it by the flush that
     * finds it over (see the class comment for how far it may pass it).
     */
    public long maxBytes() {
        return maxDisk;
    }

    /** Same as {@link #isAvailable()}, named like {@code MemoryEntryStore.isOpen()} for metrics and health. */
    public boolean isOpen() {
        return isAvailable();
    }

    /** How many accounted bytes the entries may take (a share of max-disk). */
    public long budget() {
        return budget;
    }

    /** Refreshes held for a later flush (see {@link PendingRefreshes}). */
    public int pendingRefreshes() {
        return pendingRefreshes.size();
    }

    public long evictions() {
        return evictions.get();
    }

    public long corruptEntries() {
        return corruptEntries.get();
    }

    /** MVStore's own figures (fill rates, chunk count, cache hit ratio), for diagnostics. */
    public java.util.Map<String, String> storeInfo() {
        java.util.Map<String, String> info = new java.util.TreeMap<>();
        Db d = db;
        if (d != null) {
            try {
                d.store.populateInfo(info::put);
            } catch (RuntimeException e) {
                info.put("error", e.toString());
            }
        }
        return info;
    }

    /** How many times the file was rewritten for being over max-disk. */
    long shrinks() {
        return shrinks.get();
    }

    /**
     * For tests: {@code hook} runs on the shrinking thread after the copy and after each catch-up round, before the
     * new file replaces the old.
     */
    void afterShrinkCopy(Runnable hook) {
        afterShrinkCopy = hook;
    }

    /** False while the store is failed (I/O error, damage) and answering every lookup with a miss. */
    public boolean isAvailable() {
        return db != null;
    }

    // ---------------------------------------------------------------- background work

    /**
     * Rewrites the live pages of some sparse chunks, commits (making the journal redundant, so it is
     * emptied), fsyncs what was committed since the last flush, and rewrites the file if it is over max-disk.
     */
    public void flush() {
        boolean interrupted = Thread.interrupted();
        try {
            doFlush();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void doFlush() {
        Db d = db;
        if (d == null) {
            return;
        }
        try {
            applyTouches(d);
            writeRefreshes(d, clock.millis() - REFRESH_WRITE_DELAY_MS);
            // rewriting pages changes no content, so it may run beside writers; only the commit needs the lock
            d.store.compact(tuning.compactFillRate(), COMPACT_WRITE_LIMIT);
            lock.lock();
            try {
                if (db == d && (d.store.hasUnsavedChanges() || journal.size() > 0)) {
                    commitLocked(d);
                }
            } finally {
                lock.unlock();
            }
            if (unsynced.getAndSet(false) && db == d) {
                d.store.sync();
            }
            long size = fileSize();
            if (db == d && size > maxDisk && (shrunkTo <= maxDisk || size > 2 * shrunkTo)) {
                // MVStore's overhead outgrew the margin (sparse chunks, more writes within the retention time than
                // the margin holds): rewrite the live data into a new file now, not at the next maintenance. A
                // max-disk smaller than an empty store's file is not rewritten at every flush, only as it doubles.
                shrinkFile(d);
            }
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "flush");
        }
    }

    /**
     * Writes the refreshes behind since {@code cutoffMs} or earlier, a batch per hold of the lock, each encoded
     * before taking it. A refresh replaced meanwhile (a newer refresh, or dropped by a put or remove) is left.
     */
    private void writeRefreshes(Db d, long cutoffMs) {
        List<Map.Entry<String, PendingRefreshes.Pending>> due = pendingRefreshes.due(cutoffMs);
        for (int from = 0; from < due.size(); from += REFRESH_BATCH) {
            writeRefreshBatch(d, due.subList(from, Math.min(due.size(), from + REFRESH_BATCH)));
        }
    }

    private void writeRefreshBatch(Db d, List<Map.Entry<String, PendingRefreshes.Pending>> batch) {
        byte[][] encoded = new byte[batch.size()][];
        for (int i = 0; i < encoded.length; i++) {
            String key = batch.get(i).getKey();
            PendingRefreshes.Pending p = batch.get(i).getValue();
            // the disk copy read here is still the key's under the lock below if the refresh is still held there:
            // a put or remove of the key drops it
            Stored refreshed = p.over(p.isWhole() ? null : readQuietly(d, key));
            encoded[i] = refreshed == null ? null : EntryCodec.encode(key, refreshed);
        }
        lock.lock();
        try {
            for (int i = 0; i < encoded.length && db == d; i++) {
                String key = batch.get(i).getKey();
                PendingRefreshes.Pending p = batch.get(i).getValue();
                if (encoded[i] == null) {
                    pendingRefreshes.take(key, p); // no disk copy with that body any more: nothing to refresh
                    continue;
                }
                // written before it is taken, so a reader never finds neither the pending nor the written copy
                if (pendingRefreshes.holds(key, p)) {
                    putLocked(d, key, encoded[i], accountedSize(key, encoded[i].length));
                    uncommittedBytes += key.length() + encoded[i].length;
                    pendingRefreshes.take(key, p);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The key's disk copy, or null if there is none or it cannot be read (a read on its own would drop it). */
    private static Stored readQuietly(Db d, String key) {
        try {
            byte[] data = d.entries.get(key);
            return data == null ? null : EntryCodec.decode(key, data);
        } catch (CorruptEntryException | RuntimeException | AssertionError e) {
            return null;
        }
    }

    /**
     * Purges entries not used for {@code inactive}, makes room when the file itself has outgrown max-disk,
     * and reopens the store after a failure.
     */
    public void runMaintenance() {
        boolean interrupted = Thread.interrupted();
        try {
            doMaintenance();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void doMaintenance() {
        if (closed) {
            return;
        }
        Db d = db;
        if (d == null) {
            reopenAfterFailure();
            return;
        }
        try {
            purgeInactive(d);
            doFlush();
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "maintenance");
        }
    }

    /**
     * Copies the most recently used entries, up to {@link #lowWater}, into a new, dense file that replaces the
     * store file. Lookups and writes keep using the old file while it copies: the keys written, removed, evicted
     * or touched meanwhile ({@link #changedWhileShrinking}) are copied again from it, the last few under the lock
     * at the swap, so the new file has every change the old one had, and no lookup finds the tier empty. Runs on
     * the thread that flushes; at most one at a time.
     */
    private void shrinkFile(Db d) {
        if (!shrinking.compareAndSet(false, true)) {
            return;
        }
        long before = fileSize();
        Path copy = copyFile();
        boolean changedMeanwhile = false;
        Db target = null;
        try {
            lock.lock();
            try {
                if (db != d || closed) {
                    return;
                }
                changedWhileShrinking = new HashSet<>();
                anyChangeWhileShrinking = false;
                copyUnsaved = 0;
            } finally {
                lock.unlock();
            }
            Files.deleteIfExists(copy);
            target = openStore(copy);
            long bytes = copyRecent(d, target, shrinkCutoff(d));
            target.store.commit();
            long keptSize = Files.size(copy);
            afterShrinkCopy.run();
            bytes += catchUp(d, target);
            target.store.commit();
            target.store.sync(); // the bulk, before the file is renamed into place; the rest syncs with the next flush
            lock.lock();
            try {
                if (db != d || closed) {
                    return;
                }
                bytes += copyChanged(d, target, changedWhileShrinking);
                target.stats.put(BYTES_STAT, bytes);
                target.store.commit();
                long left = d.entries.sizeAsLong() - target.entries.sizeAsLong();
                changedMeanwhile = anyChangeWhileShrinking;
                Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                db = target; // still open on the renamed file
                target = null;
                liveBytes = bytes;
                commitLocked(db); // commits nothing more: marks every change committed and empties the journal
                unsynced.set(true);
                evictions.addAndGet(Math.max(0, left));
            } finally {
                changedWhileShrinking = null;
                lock.unlock();
            }
            d.store.closeImmediately(); // a lookup that still reads it retries on the new file (doGet)
            long after = fileSize();
            // the floor no shrink gets under: the file with the kept entries alone. The writes made during the
            // copy may have taken it over max-disk, and then the next flush shrinks it again.
            shrunkTo = changedMeanwhile ? Math.min(after, keptSize) : after;
            shrinks.incrementAndGet();
            LOG.info("disk cache: {} was over max-disk ({} bytes), now {} bytes", file, before, after);
        } catch (IOException | RuntimeException | AssertionError e) {
            LOG.warn("disk cache: compacting {} failed, keeping it: {}", file, e.toString());
        } finally {
            if (target != null) {
                target.store.closeImmediately();
                deleteCopy();
            }
            lock.lock();
            changedWhileShrinking = null;
            lock.unlock();
            shrinking.set(false);
        }
    }

    /**
     * The first LRU index key a shrink keeps: the least recently used entries above {@link #lowWater} are left
     * behind, so the file it writes has room to grow before the next shrink. Null: keep all.
     */
    private String shrinkCutoff(Db d) {
        long excess = liveBytes - lowWater;
        if (excess <= 0) {
            return null;
        }
        Cursor<String, Long> c = d.lru.cursor(null);
        while (c.hasNext()) {
            String k = c.next();
            if (excess <= 0) {
                return k;
            }
            excess -= c.getValue();
        }
        return KEEP_NONE;
    }

    /** Copies the entries at or after {@code cutoff} in the LRU order, in key order; returns their bytes. */
    private long copyRecent(Db d, Db target, String cutoff) {
        // the cursor reads one version of the map: keep MVStore from reusing the chunks of its pages meanwhile,
        // whatever the retention time, however long the copy takes
        MVStore.TxCounter pin = d.store.registerVersionUsage();
        try {
            long bytes = 0;
            Cursor<String, Long> c = d.atime.cursor(null);
            while (c.hasNext()) {
                String k = c.next();
                String index = indexKey(c.getValue(), k);
                if (cutoff != null && index.compareTo(cutoff) < 0) {
                    continue;
                }
                // 0 when changed since the cursor read it: copied again before the swap
                bytes += copyEntry(d, target, k, c.getValue(), index);
            }
            return bytes;
        } finally {
            if (!d.store.isClosed()) {
                d.store.deregisterVersionUsage(pin);
            }
        }
    }

    /**
     * Commits the copy every {@link #EARLY_COMMIT_BYTES} (small chunks, as the writers commit, and a bounded heap),
     * and with it the early commits of the writes meanwhile, which wait for this thread.
     */
    private void copied(Db target, int dataBytes) {
        copyUnsaved += dataBytes;
        if (copyUnsaved > EARLY_COMMIT_BYTES) {
            target.store.commit();
            copyUnsaved = 0;
            commitIfLarge();
        }
    }

    /**
     * Copies the keys changed during the copy again, without the lock, until few enough are left to copy under it
     * at the swap; returns the change in bytes.
     */
    private long catchUp(Db d, Db target) {
        long bytes = 0;
        for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
            Set<String> changed;
            lock.lock();
            try {
                if (changedWhileShrinking.size() <= CHANGES_COPIED_LOCKED) {
                    return bytes;
                }
                changed = changedWhileShrinking;
                changedWhileShrinking = new HashSet<>();
            } finally {
                lock.unlock();
            }
            bytes += copyChanged(d, target, changed); // a key changed while this runs is in the new set
            afterShrinkCopy.run();
        }
        return bytes;
    }

    /**
     * Gives each key in {@code target} the state it has in {@code d} now; returns the change in bytes. Called
     * with the lock held, or without it for keys that are copied again under it if they change meanwhile (their
     * changes are recorded under the lock, so one made during this call is in the set the next call copies).
     */
    private long copyChanged(Db d, Db target, Set<String> keys) {
        long bytes = 0;
        for (String k : keys) {
            Long was = target.atime.remove(k);
            if (was != null) {
                Long size = target.lru.remove(indexKey(was, k));
                bytes -= size == null ? 0 : size;
            }
            target.entries.remove(k);
            Long t = d.atime.get(k);
            if (t != null) {
                bytes += copyEntry(d, target, k, t, indexKey(t, k));
            }
        }
        return bytes;
    }

    /**
     * Copies key {@code k}, used at {@code atime} (LRU index key {@code index}), from {@code d} into {@code target};
     * returns its accounted bytes, or 0 when {@code d} no longer has it as read.
     */
    private long copyEntry(Db d, Db target, String k, long atime, String index) {
        Long size = d.lru.get(index);
        byte[] data = d.entries.get(k);
        if (size == null || data == null) {
            return 0;
        }
        target.entries.put(k, data);
        target.atime.put(k, atime);
        target.lru.put(index, size);
        copied(target, data.length);
        return size;
    }

    /** Records a change for a shrink that is copying (lock held); a field check otherwise. */
    private void changedLocked(String key) {
        if (changedWhileShrinking != null) {
            changedWhileShrinking.add(key);
            anyChangeWhileShrinking = true;
        }
    }

    private void purgeInactive(Db d) {
        String bound = indexKey(clock.millis() - inactiveMs, "");
        boolean more = true;
        while (more && !closed) {
            lock.lock();
            try {
                if (db != d) {
                    return;
                }
                int n = 0;
                more = false;
                String first;
                while ((first = d.lru.firstKey()) != null && first.compareTo(bound) < 0) {
                    evictIndexLocked(d, first);
                    if (++n == PURGE_BATCH) {
                        more = true;
                        break;
                    }
                }
                if (n > 0) {
                    commitLocked(d);
                    LOG.debug("disk cache: purged {} inactive entries", n);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.warn("disk cache background task failed: {}", t.toString());
            }
        };
    }

    // ---------------------------------------------------------------- internals (lock held)

    /**
     * Each map operation walks a B-tree path and copies the pages it changes (copy-on-write), and the next
     * commit writes them; on the request path these walks were the tier's main cost. So a put does only the
     * ones its case needs: a replaced entry keeps its access time (and its place in the LRU index) if that is
     * recent, as a read would ({@link #touchIntervalMs}), and rewrites its index value only if its size
     * changed; a new key is not first looked up for removal.
     */
    private void putLocked(Db d, String key, byte[] data, long size) {
        changedLocked(key);
        if (size > budget) {
            removeLocked(d, key);
            return;
        }
        long now = clock.millis();
        Long t = d.atime.get(key);
        String oldIndex = t == null ? null : indexKey(t, key);
        Long oldSize = oldIndex == null ? null : d.lru.get(oldIndex);
        if (oldSize == null || liveBytes - oldSize + size > budget) {
            // new key, or room must be made first: remove, evict, insert (eviction may pick this very key)
            if (t != null) {
                removeLocked(d, key);
            }
            // make room first, so the accounted size never exceeds the budget, even between two statements
            evictLocked(d, budget - size);
            d.entries.put(key, data);
            d.atime.put(key, now);
            d.lru.put(indexKey(now, key), size);
            liveBytes += size;
            return;
        }
        d.entries.put(key, data);
        if (now - t < touchIntervalMs && now >= t) {
            if (oldSize != size) {
                d.lru.put(oldIndex, size);
            }
        } else {
            d.lru.remove(oldIndex);
            d.lru.put(indexKey(now, key), size);
            d.atime.put(key, now);
        }
        liveBytes += size - oldSize;
    }

    private boolean removeLocked(Db d, String key) {
        changedLocked(key);
        Long t = d.atime.remove(key);
        byte[] old = d.entries.remove(key);
        if (t != null) {
            Long size = d.lru.remove(indexKey(t, key));
            if (size != null) {
                liveBytes -= size;
            }
        }
        return old != null;
    }

    /**
     * Makes the change just applied durable according to {@link Tuning#durability()}; returns the change
     * number {@link #commitThrough} must wait for (0: nothing to wait for).
     */
    private long madeDurableLocked(Db d, String key, byte[] putValue) {
        long mine = ++changes;
        uncommittedBytes += key.length() + (putValue == null ? 0 : putValue.length);
        if (uncommittedBytes > EARLY_COMMIT_BYTES && background != null
                && earlyCommitQueued.compareAndSet(false, true)) {
            try {
                background.execute(guarded(this::commitEarly));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                earlyCommitQueued.set(false); // closing: the final commit covers it
            }
        }
        switch (tuning.durability()) {
            case JOURNAL -> {
                try {
                    if (putValue != null) {
                        journal.appendPut(key, putValue);
                    } else {
                        journal.appendRemove(key);
                    }
                    journalFailed = false;
                    if (journal.size() > JOURNAL_LIMIT) {
                        commitLocked(d);
                    }
                } catch (IOException e) {
                    if (!journalFailed) {
                        LOG.warn("disk cache: journal write failed ({}); committing each write instead", e.toString());
                        journalFailed = true;
                    }
                    commitLocked(d);
                }
                return 0;
            }
            case COMMIT_EACH_WRITE -> {
                return mine;
            }
            default -> {
                return 0;
            }
        }
    }

    /**
     * Group commit: returns once a commit covers change number {@code mine}. Writers that queued on the lock
     * while another one committed find their change already written, so concurrent writes share commits.
     */
    private void commitThrough(Db d, long mine) {
        if (mine == 0) {
            return;
        }
        lock.lock();
        try {
            if (db == d && committed < mine) {
                commitLocked(d);
            }
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "commit");
        } finally {
            lock.unlock();
        }
    }

    private void commitLocked(Db d) {
        Long stored = d.stats.get(BYTES_STAT);
        if (stored == null || stored != liveBytes) {
            d.stats.put(BYTES_STAT, liveBytes);
        }
        long through = changes;
        if (d.store.hasUnsavedChanges()) {
            d.store.commit();
            unsynced.set(true);
        }
        committed = through;
        uncommittedBytes = 0;
        resetJournalLocked();
    }

    /** See {@link #EARLY_COMMIT_BYTES}; fsync is left to the next flush. */
    private void commitEarly() {
        earlyCommitQueued.set(false);
        commitIfLarge();
    }

    /** Commits when more than {@link #EARLY_COMMIT_BYTES} wait (a queued early commit may then find nothing). */
    private void commitIfLarge() {
        Db d = db;
        if (d == null) {
            return;
        }
        lock.lock();
        try {
            if (db == d && uncommittedBytes > EARLY_COMMIT_BYTES) {
                commitLocked(d);
            }
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "commit");
        } finally {
            lock.unlock();
        }
    }

    private void resetJournalLocked() {
        try {
            journal.reset();
        } catch (IOException e) {
            LOG.warn("disk cache: cannot empty the journal: {}", e.toString());
        }
    }

    /** Evicts least recently used entries until the accounted bytes are at most {@code limit}. */
    private void evictLocked(Db d, long limit) {
        String first;
        while (liveBytes > limit && (first = d.lru.firstKey()) != null) {
            evictIndexLocked(d, first);
        }
        if (liveBytes < 0) {
            liveBytes = 0;
        }
    }

    private void evictIndexLocked(Db d, String indexKey) {
        Long size = d.lru.remove(indexKey);
        if (size != null) {
            liveBytes -= size;
        }
        String key = indexKey.substring(16);
        changedLocked(key);
        Long t = d.atime.get(key);
        if (t != null && indexKey.equals(indexKey(t, key))) {
            d.atime.remove(key);
            d.entries.remove(key);
            evictions.incrementAndGet();
        }
    }

    /** Records a read at most once per {@link #touchIntervalMs}; never waits for the lock. */
    private void touchOnRead(Db d, String key) {
        long now = clock.millis();
        try {
            Long last = d.atime.get(key);
            if (last == null || (now - last < touchIntervalMs && now >= last)) {
                return;
            }
            if (!lock.tryLock()) {
                return; // a writer is busy; a later read records the access
            }
            try {
                if (db == d) {
                    touchLocked(d, key, now);
                }
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "touch");
        }
    }

    /** Moves the key to {@code now} in the LRU order (the tier above already spaced its reports). */
    private void touchLocked(Db d, String key, long now) {
        Long t = d.atime.get(key);
        if (t == null || t == now) {
            return;
        }
        changedLocked(key);
        Long size = d.lru.remove(indexKey(t, key));
        if (size == null) {
            return;
        }
        d.lru.put(indexKey(now, key), size);
        d.atime.put(key, now);
    }

    /** The uses {@link #touch} queued, a batch per hold of the lock; committed with the flush that applies them. */
    private void applyTouches(Db d) {
        long now = clock.millis();
        boolean more = true;
        while (more) {
            lock.lock();
            try {
                if (db != d) {
                    return;
                }
                more = false;
                for (int i = 0; i < REFRESH_BATCH; i++) {
                    String key = touched.poll();
                    if (key == null) {
                        break;
                    }
                    touchedCount.decrementAndGet();
                    touchLocked(d, key, now);
                    more = true;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    static long accountedSize(String key, int valueLength) {
        return valueLength + 3L * key.getBytes(StandardCharsets.UTF_8).length + ENTRY_OVERHEAD;
    }

    /** {@code 16 hex digits of the time} + key: ordered by time, then key. */
    static String indexKey(long time, String key) {
        String hex = Long.toHexString(Math.max(0, time));
        return "0".repeat(16 - hex.length()) + hex + key;
    }

    // ---------------------------------------------------------------- journal replay

    private void replayJournal(Db d) {
        List<Journal.Entry> records;
        try {
            Journal.Contents contents = journal.read();
            records = contents.entries();
            if (contents.damagedAt() >= 0) {
                // not a crash's torn last write: a damaged record, and every later write is dropped with it
                LOG.warn("disk cache: the journal has a damaged record at byte {}; replaying the {} writes before it "
                        + "and dropping the {} bytes from there (their entries are fetched again when asked for)",
                        contents.damagedAt(), records.size(), contents.ignoredBytes());
            }
        } catch (IOException e) {
            LOG.warn("disk cache: cannot read the journal ({}); ignoring it", e.toString());
            records = List.of();
        }
        lock.lock();
        try {
            for (Journal.Entry r : records) {
                if (r.isPut()) {
                    putLocked(d, r.key(), r.value(), accountedSize(r.key(), r.value().length));
                } else {
                    removeLocked(d, r.key());
                }
            }
            commitLocked(d);
            if (!records.isEmpty()) {
                LOG.info("disk cache: replayed {} writes from the journal", records.size());
            }
        } catch (RuntimeException | AssertionError e) {
            failed(d, e, "journal replay");
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- failures

    /** A read of this key threw: drop the key; if even that fails, the file is damaged: start afresh. */
    private void damaged(Db d, String key, Throwable e) {
        if (d.store.isClosed()) {
            failed(d, e, "get");
            return;
        }
        corruptEntries.incrementAndGet();
        LOG.warn("disk cache: unreadable entry for {}: {}", printable(key), e.toString());
        lock.lock();
        try {
            if (db == d) {
                removeLocked(d, key);
                commitLocked(d);
            }
        } catch (RuntimeException | AssertionError again) {
            resetLocked(d, again);
        } finally {
            lock.unlock();
        }
    }

    /** An operation on the store threw: a closed (panicked) store waits for maintenance, damage resets. */
    private void failed(Db d, Throwable e, String operation) {
        if (d == null || closed) {
            return;
        }
        lock.lock();
        try {
            if (db != d) {
                return;
            }
            if (d.store.isClosed()) {
                LOG.error("disk cache: {} failed and the store closed; serving without the disk tier until it can"
                        + " be reopened", operation, d.store.getPanicException() != null ? d.store.getPanicException() : e);
                db = null;
                liveBytes = 0;
            } else {
                resetLocked(d, e);
            }
        } finally {
            lock.unlock();
        }
    }

    private void resetLocked(Db d, Throwable cause) {
        if (isPermissionFailure(cause)) {
            LOG.error("disk cache: a write to {} was refused ({}); serving without the disk tier until it can be"
                    + " reopened (the file is kept)", file, cause.toString());
            db = null;
            liveBytes = 0;
            d.store.closeImmediately();
            return;
        }
        LOG.warn("disk cache: {} is damaged ({}); moving it aside and starting empty", file, cause.toString(), cause);
        db = null;
        liveBytes = 0;
        d.store.closeImmediately();
        resetJournalLocked();
        try {
            moveAside();
            Db fresh = openStore();
            liveBytes = storedBytes(fresh);
            db = fresh;
            uncommittedBytes = 0;
        } catch (RuntimeException | AssertionError e) {
            LOG.error("disk cache: cannot reopen {} ({}); serving without the disk tier", file, e.toString());
        }
    }

    private void reopenAfterFailure() {
        lock.lock();
        try {
            if (db != null || closed) {
                return;
            }
            resetJournalLocked();
            Db fresh = openOrReset();
            liveBytes = storedBytes(fresh);
            db = fresh;
            uncommittedBytes = 0;
            LOG.info("disk cache: {} reopened, {} entries", file, fresh.entries.sizeAsLong());
        } catch (RuntimeException | AssertionError e) {
            LOG.warn("disk cache: {} still cannot be opened: {}", file, e.toString());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- opening

    /**
     * Stops startup when a file the store opens exists but cannot be written, as a volume left by a container that
     * ran as root leaves it for one running as uid 10001. {@code writable} is {@link Files#isWritable} in
     * production; as root every file is writable to it, so the test of this check passes a probe, and a test with
     * an immutable file ({@code chattr +i}, which binds root too) covers the constructor and MVStore's own check.
     */
    static void requireWritableFiles(Path dir, Predicate<Path> writable) {
        for (String name : List.of(FILE_NAME, Journal.FILE_NAME, LOCK_FILE)) {
            Path f = dir.resolve(name);
            if (Files.exists(f) && !writable.test(f)) {
                throw notWritable(dir, f, "is not writable by this process");
            }
        }
    }

    /**
     * Whether a failure is a refused write (permissions, a read-only file system, a store MVStore opened read-only)
     * rather than damage: moving the file aside would lose every entry without making it writable.
     */
    static boolean isPermissionFailure(Throwable e) {
        return Causes.chain(e).anyMatch(t -> {
            if (t instanceof java.nio.file.AccessDeniedException
                    || t instanceof java.nio.channels.NonWritableChannelException) {
                return true;
            }
            String m = t.getMessage();
            return m != null && (m.contains("Permission denied") || m.contains("Read-only file system")
                    || m.contains("Operation not permitted") || m.contains("store is read-only"));
        });
    }

    private InvalidSettingException notWritable(Throwable cause) {
        return notWritable(dir, file, "cannot be written by this process (" + cause + ")");
    }

    /** The startup line for a store file this process cannot write, and what to do about it. */
    private static InvalidSettingException notWritable(Path dir, Path file, String problem) {
        return new InvalidSettingException(DIR_SETTING, dir.toString(), "the cache file " + file + " " + problem
                + "; give it (and the directory) to the user the proxy runs as, or use another directory");
    }

    private void prepareDirectory() {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new InvalidSettingException(DIR_SETTING, dir.toString(),
                    "the cache directory cannot be created (" + e + ")");
        }
        if (!Files.isDirectory(dir)) {
            throw new InvalidSettingException(DIR_SETTING, dir.toString(), "not a directory");
        }
        try {
            Path probe = Files.createTempFile(dir, ".write-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InvalidSettingException(DIR_SETTING, dir.toString(),
                    "the cache directory is not writable (" + e + ")");
        }
    }

    /** Opens the file; one that MVStore cannot open is moved aside and replaced by an empty store. */
    private Db openOrReset() {
        try {
            return openStore();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                throw new InvalidSettingException(DIR_SETTING, dir.toString(),
                        "the cache file " + file + " is in use by another process; each instance needs its own"
                                + " directory");
            }
            return resetAtOpen(e);
        } catch (RuntimeException | AssertionError e) {
            return resetAtOpen(e);
        }
    }

    private Db resetAtOpen(Throwable cause) {
        if (isPermissionFailure(cause)) {
            throw notWritable(cause);
        }
        Path aside = moveAside();
        LOG.warn("disk cache: {} cannot be opened ({}); moved it to {} and starting empty", file, cause.toString(),
                aside);
        try {
            return openStore();
        } catch (RuntimeException | AssertionError e) {
            throw new InvalidSettingException(DIR_SETTING, dir.toString(),
                    "cannot open a new cache file " + file + " (" + e + ")");
        }
    }

    private Db openStore() {
        return openStore(file);
    }

    private Db openStore(Path path) {
        MVStore store = new MVStore.Builder()
                .fileName(path.toString())
                .autoCommitDisabled()       // every commit is ours, made between whole changes
                .autoCommitBufferSize(0)    // no commit from inside a write either
                .open();
        if (store.getFileStore() != null && store.getFileStore().isReadOnly()) {
            // MVStore opens a file it cannot write read-only, without a word, and fails at the first write
            store.closeImmediately();
            throw notWritable(new java.nio.file.AccessDeniedException(path.toString()));
        }
        try {
            store.setRetentionTime(tuning.retentionMs());
            store.setVersionsToKeep(0); // no reader needs old versions: free dead chunks at once (as H2 does)
            MVMap<String, byte[]> entries = store.openMap("entries", new MVMap.Builder<String, byte[]>()
                    .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
            MVMap<String, Long> atime = store.openMap("atime", new MVMap.Builder<String, Long>()
                    .keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE));
            MVMap<String, Long> lru = store.openMap("lru", new MVMap.Builder<String, Long>()
                    .keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE));
            MVMap<String, Long> stats = store.openMap("stats", new MVMap.Builder<String, Long>()
                    .keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE));
            Db d = new Db(store, entries, atime, lru, stats);
            // read the roots and the first page of every map now, so a damaged tree shows at open, not later
            entries.sizeAsLong();
            atime.sizeAsLong();
            lru.firstKey();
            storedBytes(d);
            return d;
        } catch (RuntimeException | AssertionError e) {
            store.closeImmediately();
            throw e;
        }
    }

    private static long storedBytes(Db d) {
        Long b = d.stats.get(BYTES_STAT);
        return b == null ? 0 : Math.max(0, b);
    }

    /** Renames the store file to {@code *.corrupt-<timestamp>}, keeping only the newest such file. */
    private Path moveAside() {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path aside = dir.resolve(FILE_NAME + CORRUPT_SUFFIX + stamp);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, FILE_NAME + CORRUPT_SUFFIX + "*")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("disk cache: cannot delete an older corrupt file: {}", e.toString());
        }
        try {
            if (Files.exists(file)) {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            }
            return aside;
        } catch (IOException e) {
            throw new InvalidSettingException(DIR_SETTING, dir.toString(),
                    "the damaged cache file " + file + " cannot be moved aside (" + e + ")");
        }
    }

    private static String printable(String key) {
        return key.replace('\n', ' ');
    }
}
