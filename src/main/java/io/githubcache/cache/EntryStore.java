package io.githubcache.cache;

import java.util.function.Predicate;

/**
 * A key-value store of cache entries. The routes only see {@link HttpCache}; this interface is the seam for
 * other tiers (disk, a shared network store) so they can be added without touching the routes.
 */
public interface EntryStore extends AutoCloseable {

    Stored get(String key);

    void put(String key, Stored value);

    void remove(String key);

    /** Removes every key the predicate accepts; returns how many were removed. Not for the request hot path. */
    int removeIf(Predicate<String> keyFilter);

    long entryCount();

    long weightedSize();

    @Override
    default void close() {
    }
}
