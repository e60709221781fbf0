package io.githubcache.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.ToIntFunction;

/**
 * What a hit derives from a stored entry and may reuse for the next hit of the same entry (its encoded lines,
 * its gunzipped body): keyed by the identity of the stored part it was derived from, so a revalidated or
 * refetched entry, which has new parts, never gets what was derived from the old ones, and an entry goes when
 * its part is collected. Bounded by bytes, apart from the memory tier's budget; maintenance runs on the
 * caller, so a hit hands nothing to another thread.
 */
public final class IdentityKeyedCache<K, V> {

    /** Rough per-entry overhead counted on top of the value's bytes. */
    private static final int ENTRY_BYTES = 64;

    private final Cache<K, V> cache;

    public IdentityKeyedCache(long maxBytes, ToIntFunction<V> valueBytes) {
        this.cache = Caffeine.newBuilder()
                .weakKeys() // identity, not equals
                .maximumWeight(maxBytes)
                .weigher((K key, V value) -> valueBytes.applyAsInt(value) + ENTRY_BYTES)
                .executor(Runnable::run)
                .build();
    }

    /** The value derived from this very object, or null. */
    public V get(K key) {
        return cache.getIfPresent(key);
    }

    public void put(K key, V value) {
        cache.put(key, value);
    }

    /** Bytes held, as the bound counts them (after pending evictions run). */
    public long estimatedBytes() {
        cache.cleanUp();
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }
}
