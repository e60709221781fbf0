package io.githubcache.cache;

import java.util.function.Predicate;

/**
 * A key-value store of cache entries. The routes only see {@link HttpCache}; this interface is the seam for
 * other tiers (disk, a shared network store) so they can be added without touching the routes.
 */
public interface EntryStore extends AutoCloseable {

    Stored get(String key);

    /**
     * The entry when this store can hand it over without blocking I/O (it lives in memory), else null even if
     * the store holds it. The Netty event loop uses it to answer fresh hits without leaving the loop; a disk
     * or network store returns null and the request takes the routed path.
     */
    default Stored getWithoutIo(String key) {
        return null;
    }

    void put(String key, Stored value);

    /**
     * Replaces an entry with a refreshed copy of itself: a {@code 304}'s headers and lifetime over the same body.
     * A persistent tier may write it a little later, in a batch with others. Losing it in a crash costs one
     * conditional request after the restart, which GitHub does not count against the rate limit, whereas writing
     * each refresh at once took a third of a revalidation's time (BENCHMARKS.md, step 27).
     */
    default void refresh(String key, Stored value) {
        put(key, value);
    }

    void remove(String key);

    /**
     * Records that the entry was used although this store was not asked for it (a tier above answered), so its
     * inactive expiry and recency follow real use. Must return at once: it is called from a Netty event loop, so a
     * store hands it to its own thread or asynchronous client, and may drop it under pressure or on failure.
     */
    default void touch(String key) {
    }

    /** Removes every key the predicate accepts; returns how many were removed. Not for the request hot path. */
    int removeIf(Predicate<String> keyFilter);

    /**
     * As {@link #removeIf(Predicate)} for keys that start with {@code keyPrefix}; stores with ordered keys (the
     * disk tier) scan only that range, so a write's invalidation does not read every key.
     */
    default int removeIf(String keyPrefix, Predicate<String> keyFilter) {
        return removeIf(k -> k.startsWith(keyPrefix) && keyFilter.test(k));
    }

    long entryCount();

    long weightedSize();

    @Override
    default void close() {
    }
}
