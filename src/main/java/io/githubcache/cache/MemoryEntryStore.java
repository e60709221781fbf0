package io.githubcache.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The in-memory tier: Caffeine bounded by total bytes (a weigher over body and headers), so the limit is
 * what operators actually care about, and W-TinyLFU keeps hot GitHub resources over one-off crawls.
 * Entries stay past their TTL (they are still worth revalidating and serving stale), until evicted by size
 * or unused for {@code inactive}.
 */
public final class MemoryEntryStore implements EntryStore {

    /** Caffeine's node for a size- and access-bounded entry (48 bytes measured) plus the hash map's node (32). */
    private static final int ENTRY_OVERHEAD = 80;
    private final Cache<String, Stored> cache;
    private final long maxBytes;
    private final LongAdder evictions = new LongAdder();
    private volatile boolean open = true;

    public MemoryEntryStore(long maxBytes, Duration inactive) {
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .evictionListener((String key, Stored value, com.github.benmanes.caffeine.cache.RemovalCause cause)
                        -> evictions.increment())
                .weigher((String key, Stored value) -> weigh(key, value))
                .expireAfterAccess(inactive)
                // maintenance (draining the read and write buffers, evicting) on the thread that read or wrote,
                // not handed to the common pool: no wake-up of another thread from the event loops (hits 15-20%
                // faster by hand, BENCHMARKS.md step 30), and the bound holds as soon as a put returns
                .executor(Runnable::run)
                .build();
    }

    /** Estimated heap of one entry: the map's node and Caffeine's, the key, the value (see {@link HeapSize}). */
    static int weigh(String key, Stored value) {
        long w = ENTRY_OVERHEAD + HeapSize.string(key);
        if (value instanceof CachedResponse r) {
            w += r.weight();
        } else if (value instanceof VaryMarker m) {
            w += m.weight();
        }
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    @Override
    public Stored get(String key) {
        return cache.getIfPresent(key);
    }

    @Override
    public Stored getWithoutIo(String key) {
        return cache.getIfPresent(key);
    }

    @Override
    public void put(String key, Stored value) {
        if (!open) {
            return;
        }
        cache.put(key, value);
    }

    @Override
    public void remove(String key) {
        cache.invalidate(key);
    }

    @Override
    public int removeIf(Predicate<String> keyFilter) {
        int[] n = {0};
        cache.asMap().keySet().removeIf(k -> {
            boolean hit = keyFilter.test(k);
            if (hit) {
                n[0]++;
            }
            return hit;
        });
        return n[0];
    }

    @Override
    public long entryCount() {
        return cache.estimatedSize();
    }

    @Override
    public long weightedSize() {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /** The configured bound, in the weigher's bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Entries removed by the cache's own policy (size bound or inactivity), not by invalidation or purge. */
    public long evictions() {
        return evictions.sum();
    }

    public boolean isOpen() {
        return open;
    }

    /** Drops every entry and refuses new ones; health checks report the store as down from then on. */
    @Override
    public void close() {
        open = false;
        cache.invalidateAll();
    }
}
