package io.githubcache.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cache as the routes see it: lookup by key and request headers (resolving {@code Vary} variants),
 * store, and invalidation. Storage itself is delegated to an {@link EntryStore}.
 */
public final class HttpCache {

    /**
     * How long a write's invalidation is remembered for the reads that were in flight upstream when it happened:
     * longer than any fill lasts (the upstream timeout bounds it; ten minutes is beyond any sane setting).
     */
    static final Duration WRITE_MEMORY = Duration.ofMinutes(10);

    private final EntryStore store;
    private final VaryPolicy varyPolicy = new VaryPolicy();
    /**
     * Partition prefix + path to the {@link System#nanoTime()} of its last invalidation by a write. A read sent
     * upstream before a write succeeded may come back after it with the old state; storing that answer would undo
     * the invalidation for a whole TTL (the writer would not read its own write), so such a fill is answered but
     * not stored. Bounded in time and size: a forgotten record only reopens that narrow race.
     */
    private final Cache<String, Long> invalidatedAt = Caffeine.newBuilder()
            .expireAfterWrite(WRITE_MEMORY).maximumSize(100_000).build();

    public HttpCache(EntryStore store) {
        this.store = store;
    }

    public EntryStore store() {
        return store;
    }

    /** The entry that may answer this request, fresh or not, or null. */
    public CachedResponse lookup(CacheKey key, HeaderList requestHeaders) {
        return lookup(key, requestHeaders, false);
    }

    /**
     * As {@link #lookup} but only what the store holds in memory ({@link EntryStore#getWithoutIo}): null when
     * the entry would have to be read from disk or the network. Safe on a Netty event loop.
     */
    public CachedResponse lookupWithoutIo(CacheKey key, HeaderList requestHeaders) {
        return lookup(key, requestHeaders, true);
    }

    private CachedResponse lookup(CacheKey key, HeaderList requestHeaders, boolean withoutIo) {
        String primary = key.asString();
        Stored s = withoutIo ? store.getWithoutIo(primary) : store.get(primary);
        if (s instanceof CachedResponse r) {
            return r;
        }
        if (s instanceof VaryMarker marker) {
            String variant = primary + '#' + varyPolicy.variantId(marker.selectingHeaders(), requestHeaders);
            Stored v = withoutIo ? store.getWithoutIo(variant) : store.get(variant);
            return v instanceof CachedResponse r ? r : null;
        }
        return null;
    }

    /** Whether a response (e.g. one another request fetched) belongs to this request's variant. */
    public boolean matchesVariant(CachedResponse response, HeaderList producingRequest, HeaderList thisRequest) {
        Optional<List<String>> sel = varyPolicy.selectingHeaders(response.headers());
        if (sel.isEmpty()) {
            return false;
        }
        return varyPolicy.variantId(sel.get(), producingRequest).equals(varyPolicy.variantId(sel.get(), thisRequest));
    }

    /** Stores a response for the request that produced it; returns false when {@code Vary: *} forbids it. */
    public boolean store(CacheKey key, HeaderList requestHeaders, CachedResponse response) {
        return save(key, requestHeaders, response, false);
    }

    /**
     * As {@link #store} for the answer to an upstream request sent at {@code sentNanos} ({@link System#nanoTime()}):
     * false, and nothing stored, when a write invalidated its path since then.
     */
    public boolean store(CacheKey key, HeaderList requestHeaders, CachedResponse response, long sentNanos) {
        return !invalidatedSince(key, sentNanos) && save(key, requestHeaders, response, false);
    }

    /** As {@link #refresh} for a revalidation sent at {@code sentNanos}; see {@link #store(CacheKey, HeaderList, CachedResponse, long)}. */
    public boolean refresh(CacheKey key, HeaderList requestHeaders, CachedResponse response, long sentNanos) {
        return !invalidatedSince(key, sentNanos) && save(key, requestHeaders, response, true);
    }

    private boolean invalidatedSince(CacheKey key, long sentNanos) {
        Long at = invalidatedAt.getIfPresent(pathKey(key.partitionPrefix(), key.path()));
        return at != null && at - sentNanos >= 0;
    }

    private static String pathKey(String partitionPrefix, String rawPath) {
        return partitionPrefix + '\n' + rawPath;
    }

    /**
     * As {@link #store} for an entry a {@code 304} refreshed (same body, new headers and lifetime): the disk tier
     * may write it with its next flush instead of at once ({@link EntryStore#refresh}).
     */
    public boolean refresh(CacheKey key, HeaderList requestHeaders, CachedResponse response) {
        return save(key, requestHeaders, response, true);
    }

    private boolean save(CacheKey key, HeaderList requestHeaders, CachedResponse response, boolean refreshed) {
        Optional<List<String>> sel = varyPolicy.selectingHeaders(response.headers());
        if (sel.isEmpty()) {
            return false;
        }
        String primary = key.asString();
        String entryKey = primary;
        if (!sel.get().isEmpty()) {
            VaryMarker marker = new VaryMarker(sel.get());
            // GitHub sends Vary on every response: rewriting an unchanged marker doubled each store's disk writes
            if (!marker.equals(store.getWithoutIo(primary))) {
                store.put(primary, marker);
            }
            entryKey = primary + '#' + varyPolicy.variantId(sel.get(), requestHeaders);
        }
        if (refreshed) {
            store.refresh(entryKey, response);
        } else {
            store.put(entryKey, response);
        }
        return true;
    }

    /**
     * Removes every entry of one path (any query, any {@code Accept}, any variant) in one token partition of
     * one upstream; used after a successful write so the writer reads its own write.
     */
    public int invalidatePath(String upstream, String partition, String rawPath) {
        String prefix = CacheKey.partitionPrefix(upstream, partition);
        // recorded first: a fill that stores between this and the removal is removed with the rest
        invalidatedAt.put(pathKey(prefix, rawPath), System.nanoTime());
        return store.removeIf(prefix, k -> pathOf(k).equals(rawPath));
    }

    /** What {@link #purge} removes: entries of one exact path, of every target under a prefix, or all. */
    public enum PurgeScope {
        /** The path (without query) equals the value: every query, token, {@code Accept} and variant of it. */
        PATH,
        /** The raw target (path and query) starts with the value. */
        PREFIX,
        /** Everything. */
        ALL
    }

    /**
     * Removes entries for an operator (not on the request path): by exact path, by target prefix, or all,
     * optionally of one upstream only ({@code upstream} null = every upstream; scheme and host in any case, as
     * {@link UpstreamBase}). Values are compared with the
     * raw targets as clients sent them. Returns how many stored responses were removed: each {@code Vary}
     * variant counts, the markers saying which headers select variants are removed too but not counted.
     */
    public int purge(PurgeScope scope, String value, String upstream) {
        String wanted = upstream == null ? null : UpstreamBase.comparable(upstream);
        // few distinct upstreams among many keys: each spelled once
        java.util.Map<String, String> comparable = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.Predicate<String> match = k -> {
            if (wanted != null
                    && !comparable.computeIfAbsent(upstreamOf(k), UpstreamBase::comparable).equals(wanted)) {
                return false;
            }
            return switch (scope) {
                case ALL -> true;
                case PATH -> pathOf(k).equals(value);
                case PREFIX -> targetOf(k).startsWith(value);
            };
        };
        // first collect, then tell responses from Vary markers (the store's removeIf only sees keys), then remove
        java.util.Set<String> keys = java.util.concurrent.ConcurrentHashMap.newKeySet();
        store.removeIf(k -> {
            if (match.test(k)) {
                keys.add(k);
            }
            return false;
        });
        int responses = 0;
        for (String k : keys) {
            if (store.get(k) instanceof CachedResponse) {
                responses++;
            }
        }
        store.removeIf(keys::contains);
        return responses;
    }

    private static String upstreamOf(String storeKey) {
        int end = storeKey.indexOf('\n');
        return end < 0 ? storeKey : storeKey.substring(0, end);
    }

    private static String targetOf(String storeKey) {
        String target = storeKey.substring(storeKey.lastIndexOf('\n') + 1);
        int hash = target.indexOf('#');
        return hash >= 0 ? target.substring(0, hash) : target;
    }

    private static String pathOf(String storeKey) {
        String target = targetOf(storeKey);
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
