package io.githubcache.store;

import io.githubcache.cache.EntryStore;
import io.githubcache.cache.Stored;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Memory over a persistent store: lookups try the memory tier first and promote what the lower tier has;
 * writes go to both, the lower one synchronously (write-through), so an answered response survives a
 * restart. Both tiers are plain {@link EntryStore}s, so the lower one can as well be a shared network store.
 */
public final class TieredEntryStore implements EntryStore {

    private final EntryStore memory;
    private final EntryStore lower;

    public TieredEntryStore(EntryStore memory, EntryStore lower) {
        this.memory = memory;
        this.lower = lower;
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
        return memory.getWithoutIo(key);
    }

    @Override
    public Stored get(String key) {
        Stored hot = memory.get(key);
        if (hot != null) {
            return hot;
        }
        long before = writes.get();
        Stored cold = lower.get(key);
        if (cold != null && writes.get() == before) {
            memory.put(key, cold);
            if (writes.get() != before) {
                memory.remove(key); // a write raced the promotion: the next read asks the lower tier again
            }
        }
        return cold;
    }

    @Override
    public void put(String key, Stored value) {
        writes.incrementAndGet();
        memory.put(key, value);
        lower.put(key, value);
    }

    /** The memory tier at once, the lower tier as it likes (the disk tier at its next flush). */
    @Override
    public void refresh(String key, Stored value) {
        writes.incrementAndGet();
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
