package io.githubcache.redis;

import io.githubcache.cache.CacheKey;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.EntryStore;
import io.githubcache.cache.FillLock;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.HttpCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cross-replica coalescing over Redis: {@code SET lock NX PX lockAge} by each replica's local leader (after
 * {@code lockAge} another replica may go upstream, as on one node); the holder stores the entry, deletes its
 * lock and publishes the key on one channel; waiting replicas wake up on that message, or after
 * {@code recheckInterval} at the latest (a lost message, a leader that died), and look in Redis. While Redis
 * is unavailable every replica leads its own fills (no shared lock, nothing fails).
 */
public final class RedisFillLock implements FillLock {

    private final RedisEntryStore redis;
    private final HttpCache shared;
    private final HttpCache l1;
    private final long lockAgeMs;
    private final long recheckMs;
    private final Map<String, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger waiters = new AtomicInteger();

    private record RedisLease(String hash, byte[] token) implements Lease {
    }

    private static final Lease DEGRADED = new Lease() {
    };

    public RedisFillLock(RedisEntryStore redis, EntryStore l1, Duration lockAge, Duration recheckInterval) {
        this.redis = redis;
        this.shared = new HttpCache(redis);
        this.l1 = new HttpCache(l1);
        this.lockAgeMs = Math.max(1, lockAge.toMillis());
        this.recheckMs = Math.max(1, recheckInterval.toMillis());
        redis.onFilled(this::signal);
    }

    private static String hash(String lockKey) {
        return RedisEntryStore.sha256(lockKey);
    }

    @Override
    public Lease tryLock(String lockKey) {
        String h = hash(lockKey);
        byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        Boolean taken = redis.tryLock(h, token, lockAgeMs);
        if (taken == null) {
            return DEGRADED;
        }
        return taken ? new RedisLease(h, token) : HELD_ELSEWHERE;
    }

    @Override
    public void release(String lockKey, Lease lease) {
        if (lease instanceof RedisLease r) {
            redis.releaseLock(r.hash(), r.token());
        }
    }

    @Override
    public CompletableFuture<Void> signalOrRecheck(String lockKey) {
        String h = hash(lockKey);
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(h, k -> new CopyOnWriteArrayList<>()).add(f);
        waiters.incrementAndGet();
        f.completeOnTimeout(null, recheckMs, TimeUnit.MILLISECONDS);
        return f.whenComplete((v, e) -> {
            waiters.decrementAndGet();
            waiting.computeIfPresent(h, (k, list) -> {
                list.remove(f);
                return list.isEmpty() ? null : list;
            });
        });
    }

    private void signal(String hash) {
        List<CompletableFuture<Void>> list = waiting.get(hash);
        if (list != null) {
            list.forEach(f -> f.complete(null));
        }
    }

    /** Read from Redis (not the local memory tier); what is found is copied into the memory tier. */
    @Override
    public CachedResponse sharedLookup(CacheKey key, HeaderList requestHeaders) {
        CachedResponse r = shared.lookup(key, requestHeaders);
        if (r != null) {
            l1.store(key, requestHeaders, r);
        }
        return r;
    }

    @Override
    public boolean distributed() {
        return true;
    }

    /** Replica-local requests waiting for another replica's fill right now (tests, diagnostics). */
    public int waiting() {
        return waiters.get();
    }
}
