package io.githubcache.cache;

import java.util.concurrent.CompletableFuture;

/**
 * Coalescing across replicas that share a store: the request that leads a fill in its own JVM (see
 * {@link RequestCoalescer}) also takes this lock before going upstream. A replica that does not get it waits
 * for a signal (or a short re-check interval) and then looks in the shared store. {@link #NONE} (one node,
 * disk store) always grants the lock, so the single-node path is unchanged.
 */
public interface FillLock {

    /** A held lock; {@link #release} frees it and tells waiting replicas to look again. */
    interface Lease {
    }

    /** The lock is held elsewhere: wait. */
    Lease HELD_ELSEWHERE = new Lease() {
    };

    /** Returns a lease (possibly a no-op one when the shared store is unavailable) or {@link #HELD_ELSEWHERE}. */
    Lease tryLock(String lockKey);

    /** Frees the lock if this lease still holds it and signals waiters. Safe to call more than once. */
    void release(String lockKey, Lease lease);

    /** Completes when another replica signals this key, or after the re-check interval at the latest. */
    CompletableFuture<Void> signalOrRecheck(String lockKey);

    /** The entry in the shared store for this request, bypassing the local memory tier, or null. */
    CachedResponse sharedLookup(CacheKey key, HeaderList requestHeaders);

    boolean distributed();

    FillLock NONE = new FillLock() {
        private final Lease local = new Lease() {
        };

        @Override
        public Lease tryLock(String lockKey) {
            return local;
        }

        @Override
        public void release(String lockKey, Lease lease) {
        }

        @Override
        public CompletableFuture<Void> signalOrRecheck(String lockKey) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CachedResponse sharedLookup(CacheKey key, HeaderList requestHeaders) {
            return null;
        }

        @Override
        public boolean distributed() {
            return false;
        }
    };
}
