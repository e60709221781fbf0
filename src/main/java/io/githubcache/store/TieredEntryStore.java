package io.githubcache.store;

import io.githubcache.cache.EntryStore;
import io.githubcache.cache.Stored;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Memory over a persistent store: lookups try the memory tier first and promote what the lower tier has;
 * writes go to both, the lower one synchronously (write-through), so an answered response survives a
 * restart. Both tiers are plain {@link EntryStore}s, so the lower one can as well be a shared network store.
 *
 * <p>A hit in memory is a use the lower tier would not otherwise see; without it, the disk tier's LRU eviction
 * and inactive purge, and Redis's key expiry, took the hottest entries first. So a memory hit tells the lower
 * tier ({@link EntryStore#touch}) when the copy's last report is older than a {@link TouchInterval}: one ticker
 * read and one field read per hit, and a hand-off to the lower tier's own thread once per interval.
 */
public final class TieredEntryStore implements EntryStore {

    private final EntryStore memory;
    private final EntryStore lower;
    private final TouchInterval touchInterval;
    private final LongSupplier ticker;

    /**
     * With entries kept for {@code inactive} without use, timed by {@code clock}: the one the disk tier stamps its
     * access times with (tests move it by hand). One {@code millis()} per memory hit, as cheap as a nanoTime.
     */
    public TieredEntryStore(EntryStore memory, EntryStore lower, Duration inactive, Clock clock) {
        this(memory, lower, TouchInterval.forInactive(inactive), () -> clock.millis() * 1_000_000L);
    }

    /** @param ticker nanoseconds from any origin, as {@link System#nanoTime()} */
    public TieredEntryStore(EntryStore memory, EntryStore lower, TouchInterval touchInterval, LongSupplier ticker) {
        this.memory = memory;
        this.lower = lower;
        this.touchInterval = touchInterval;
        this.ticker = ticker;
    }

    public EntryStore memory() {
        return memory;
    }

    public EntryStore lower() {
        return lower;
    }

    /**
     * Counts writes (put, remove, removeIf). A promotion copies what the lower tier had when it was read; if a
     * write came in between, that copy may be older than the write, so it is not kept in memory.
     */
    private final AtomicLong writes = new AtomicLong();

    /** Only the memory tier: promotion from the lower tier is I/O. */
    @Override
    public Stored getWithoutIo(String key) {
        return reported(key, memory.getWithoutIo(key));
    }

    @Override
    public Stored get(String key) {
        Stored hot = memory.get(key);
        if (hot != null) {
            return reported(key, hot);
        }
        long before = writes.get();
        Stored cold = lower.get(key); // a read the lower tier records itself
        if (cold != null && writes.get() == before) {
            cold.lowerTierTold(ticker.getAsLong());
            memory.put(key, cold);
            if (writes.get() != before) {
                memory.remove(key); // a write raced the promotion: the next read asks the lower tier again
            }
        }
        return cold;
    }

    /** Tells the lower tier of a memory hit when it has not heard of one for a {@link TouchInterval}. */
    private Stored reported(String key, Stored hot) {
        if (hot != null) {
            long now = ticker.getAsLong();
            long told = hot.lowerTierToldAt();
            if (touchInterval.due(told, now)) {
                hot.lowerTierTold(now); // first, so concurrent hits of the same copy rarely tell twice
                lower.touch(key);
            }
        }
        return hot;
    }

    @Override
    public void touch(String key) {
        lower.touch(key);
    }

    @Override
    public void put(String key, Stored value) {
        writes.incrementAndGet();
        value.lowerTierTold(ticker.getAsLong());
        memory.put(key, value);
        lower.put(key, value);
    }

    /** The memory tier at once, the lower tier as it likes (the disk tier at its next flush). */
    @Override
    public void refresh(String key, Stored value) {
        writes.incrementAndGet();
        value.lowerTierTold(ticker.getAsLong()); // a refresh is a use the lower tier records (DiskEntryStore#refresh)
        memory.put(key, value);
        lower.refresh(key, value);
    }

    @Override
    public void remove(String key) {
        writes.incrementAndGet();
        lower.remove(key);
        memory.remove(key);
    }

    /** How many distinct entries were removed: the larger of the two tiers' counts (most keys are in both). */
    @Override
    public int removeIf(Predicate<String> keyFilter) {
        writes.incrementAndGet();
        int fromLower = lower.removeIf(keyFilter);
        int fromMemory = memory.removeIf(keyFilter);
        return Math.max(fromLower, fromMemory);
    }

    /** Like {@link #removeIf(Predicate)}, scanning only keys that start with {@code prefix} in a disk or Redis tier. */
    @Override
    public int removeIf(String prefix, Predicate<String> keyFilter) {
        writes.incrementAndGet();
        int fromLower = lower.removeIf(prefix, keyFilter); // disk and Redis scan only that range
        int fromMemory = memory.removeIf(prefix, keyFilter);
        return Math.max(fromLower, fromMemory);
    }

    /** The lower tier's count: it holds (nearly) every entry, the memory tier only the hot ones. */
    @Override
    public long entryCount() {
        return lower.entryCount();
    }

    @Override
    public long weightedSize() {
        return lower.weightedSize();
    }

    @Override
    public void close() {
        try {
            memory.close();
        } finally {
            lower.close();
        }
    }
}
