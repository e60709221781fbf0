package io.githubcache.cache;

/**
 * What an {@link EntryStore} holds under a key: a response, or a marker saying which headers select variants.
 *
 * <p>Besides its (immutable) content, a copy in the memory tier carries one piece of bookkeeping: when the tier
 * below last heard of a use of it ({@link #lowerTierToldAt}). A hit served from memory reads it to decide, without
 * I/O, a lock or an allocation, whether the tier below must be told again
 * ({@code io.githubcache.store.TouchInterval}); that is why it lives on the value and not in a map beside the
 * memory tier. It is not part of {@code equals}.
 */
public abstract sealed class Stored permits CachedResponse, VaryMarker {

    /** A ticker reading (nanoseconds); written rarely (once per report interval), read on every memory hit. */
    private volatile long lowerTierToldAt;

    /** The ticker reading when the tier below last heard of a use of this copy (0: never). */
    public final long lowerTierToldAt() {
        return lowerTierToldAt;
    }

    public final void lowerTierTold(long tickerNanos) {
        this.lowerTierToldAt = tickerNanos;
    }
}
