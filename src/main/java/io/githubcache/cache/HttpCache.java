package io.githubcache.cache;

import java.util.List;
import java.util.Optional;

/**
 * The cache as the routes see it: lookup by key and request headers (resolving {@code Vary} variants),
 * store, and invalidation. Storage itself is delegated to an {@link EntryStore}.
 */
public final class HttpCache {

    private final EntryStore store;
    private final VaryPolicy varyPolicy = new VaryPolicy();

    public HttpCache(EntryStore store) {
        this.store = store;
    }

    public EntryStore store() {
        return store;
    }

    /** The entry that may answer this request, fresh or not, or null. */
    public CachedResponse lookup(CacheKey key, HeaderList requestHeaders) {
        String primary = key.asString();
        Stored s = store.get(primary);
        if (s instanceof CachedResponse r) {
            return r;
        }
        if (s instanceof VaryMarker marker) {
            Stored v = store.get(primary + '#' + varyPolicy.variantId(marker.selectingHeaders(), requestHeaders));
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
        Optional<List<String>> sel = varyPolicy.selectingHeaders(response.headers());
        if (sel.isEmpty()) {
            return false;
        }
        String primary = key.asString();
        if (sel.get().isEmpty()) {
            store.put(primary, response);
        } else {
            store.put(primary, new VaryMarker(sel.get()));
            store.put(primary + '#' + varyPolicy.variantId(sel.get(), requestHeaders), response);
        }
        return true;
    }

    /**
     * Removes every entry of one path (any query, any {@code Accept}, any variant) in one token partition of
     * one upstream; used after a successful write so the writer reads its own write.
     */
    public int invalidatePath(String upstream, String partition, String rawPath) {
        String prefix = upstream + '\n' + partition + '\n';
        return store.removeIf(k -> k.startsWith(prefix) && pathOf(k).equals(rawPath));
    }

    private static String pathOf(String storeKey) {
        int lastNl = storeKey.lastIndexOf('\n');
        String target = storeKey.substring(lastNl + 1);
        int hash = target.indexOf('#');
        if (hash >= 0) {
            target = target.substring(0, hash);
        }
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
