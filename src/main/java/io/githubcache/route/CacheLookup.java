package io.githubcache.route;

import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.FillLock;
import io.githubcache.cache.FillResult;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.RequestCachePolicy;
import io.githubcache.cache.RequestCachePolicy.Decision;
import io.githubcache.http.HeaderNames;
import io.githubcache.http.ProxyError;
import io.githubcache.ratelimit.RateLimitPolicy;
import io.githubcache.ratelimit.RateLimitTracker;
import io.githubcache.cache.RequestCoalescer;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Looks the request up and decides who talks to the upstream. A fresh entry is answered at once. Otherwise
 * one request per key becomes the leader and fetches; the others wait for its result without holding a
 * thread (this processor is asynchronous) and without polling, and are answered from it. An expired entry
 * is never served while its update is in flight: waiters get the update's outcome.
 */
public final class CacheLookup extends AsyncProcessorSupport {

    private final CacheServices services;

    public CacheLookup(CacheServices services) {
        this.services = services;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
        Decision decision = px.decision();
        if (decision == Decision.PASS || decision == Decision.BYPASS_AND_STORE) {
            if (answeredDuringRateLimit(px, null, services.clock().instant())) {
                callback.done(true);
                return true;
            }
            px.status(CacheStatus.BYPASS);
            px.action(ProxyExchange.Action.FETCH);
            callback.done(true);
            return true;
        }
        Instant now = services.clock().instant();
        CachedResponse entry = services.cache().lookup(px.key(), px.requestHeaders());
        if (entry != null && services.freshness().isFresh(entry, now)) {
            px.freshHit(entry);
            callback.done(true);
            return true;
        }
        if (answeredDuringRateLimit(px, entry, now)) {
            callback.done(true);
            return true;
        }
        px.entry(entry);
        px.status(entry == null ? CacheStatus.MISS : CacheStatus.EXPIRED);
        px.action(ProxyExchange.Action.FETCH);
        if (px.lockWaited()) {
            // FreshHitHandler already waited lock-timeout for this request: as a waiter that times out here does,
            // it goes upstream alone and does not store that answer
            px.forbidStore();
            callback.done(true);
            return true;
        }
        String lockKey = px.key().asString();
        RequestCoalescer.Ticket ticket = services.coalescer().acquire(lockKey, now);
        if (ticket.leader()) {
            px.lead(ticket.fill());
            // whatever happens to this exchange, waiters must not wait for a result that never comes
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    services.coalescer().complete(lockKey, ticket.fill(), null);
                    releaseFillLock(done, services);
                }
            });
            if (!services.fillLock().distributed()) {
                callback.done(true);
                return true;
            }
            // replicas sharing a store: one leader across all of them
            return leadAcrossReplicas(exchange, px, lockKey, System.nanoTime(), callback, true);
        }
        return await(px, ticket.fill(), callback);
    }

    /** Frees the shared fill lock this exchange holds, if any (and tells other replicas to look again). */
    static void releaseFillLock(Exchange exchange, CacheServices services) {
        FillLock.Lease lease = exchange.getProperty(FILL_LEASE, FillLock.Lease.class);
        if (lease != null) {
            exchange.removeProperty(FILL_LEASE);
            services.fillLock().release(exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class).key()
                    .asString(), lease);
        }
    }

    static final String FILL_LEASE = "githubCache.fillLease";

    /**
     * The local leader takes the shared lock, then looks in the shared store (another replica may have filled
     * it meanwhile). Without the lock it waits for the holder's signal (or the re-check interval), looks
     * again, and retries the lock: after lock-age the holder's lock lapses and this replica may go upstream;
     * after lock-timeout it goes upstream alone without storing, as a waiter does on one node.
     */
    private boolean leadAcrossReplicas(Exchange exchange, ProxyExchange px, String lockKey, long startNanos,
            AsyncCallback callback, boolean sync) {
        FillLock lock = services.fillLock();
        FillLock.Lease lease = lock.tryLock(lockKey);
        if (lease != FillLock.HELD_ELSEWHERE) {
            exchange.setProperty(FILL_LEASE, lease);
        }
        if (answeredFromShared(px)) {
            callback.done(sync);
            return sync;
        }
        if (lease != FillLock.HELD_ELSEWHERE) {
            callback.done(sync);
            return sync;
        }
        if (System.nanoTime() - startNanos >= services.settings().lockTimeout().toNanos()) {
            px.forbidStore(); // lock-timeout: go upstream alone, and do not store that answer
            callback.done(sync);
            return sync;
        }
        px.collapsed(true);
        lock.signalOrRecheck(lockKey).whenCompleteAsync((v, e) -> {
            try {
                leadAcrossReplicas(exchange, px, lockKey, startNanos, callback, false);
            } catch (RuntimeException ex) {
                exchange.setException(ex);
                callback.done(false);
            }
        }, services.waiterExecutor());
        return false;
    }

    private boolean answeredFromShared(ProxyExchange px) {
        CachedResponse shared = services.fillLock().sharedLookup(px.key(), px.requestHeaders());
        if (shared == null || !services.freshness().isFresh(shared, services.clock().instant())) {
            px.collapsed(false);
            return false;
        }
        px.freshHit(shared);
        return true;
    }

    /**
     * While GitHub refuses this token (for this resource), answer from the entry even if expired (within the
     * stale bound), else replay GitHub's refusal, rather than spend a request certain to fail.
     */
    private boolean answeredDuringRateLimit(ProxyExchange px, CachedResponse entry, Instant now) {
        RateLimitTracker.Block block = rateLimitBlock(px, services, now);
        if (block == null) {
            return false;
        }
        px.action(ProxyExchange.Action.RESPOND);
        px.detail("rate-limited");
        if (entry != null && services.freshness().mayServeStale(entry, now)) {
            px.status(CacheStatus.STALE);
            px.respondWith(entry, true);
            return true;
        }
        long retryAfter = Math.max(1, java.time.Duration.between(now, block.until()).toSeconds());
        px.status(CacheStatus.HIT);
        if (block.refusal() != null) {
            CachedResponse r = block.refusal();
            HeaderList h = r.headers().with(HeaderNames.RETRY_AFTER, Long.toString(retryAfter));
            px.respondWith(r.status(), h, r.body(), false);
        } else {
            ProxyError e = new ProxyError(403, "API rate limit exceeded for this token (github-cache answered without "
                    + "asking GitHub until the limit resets)");
            HeaderList h = UpstreamOutcomes.errorHeaders()
                    .with(HeaderNames.RETRY_AFTER, Long.toString(retryAfter))
                    .with(HeaderNames.X_RATELIMIT_REMAINING, "0")
                    .with(HeaderNames.X_RATELIMIT_RESET, Long.toString(block.until().getEpochSecond()));
            px.respondWith(e.status(), h, e.body(), false);
        }
        return true;
    }

    private boolean await(ProxyExchange px, RequestCoalescer.Fill fill, AsyncCallback callback) {
        px.collapsed(true);
        AtomicBoolean settled = new AtomicBoolean();
        long timeoutMs = services.settings().lockTimeout().toMillis();
        ScheduledFuture<?> timeout = services.timer().schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                // nginx proxy_cache_lock_timeout: go upstream alone, and do not store that answer
                px.forbidStore();
                px.collapsed(false);
                callback.done(false);
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        fill.result().whenCompleteAsync((result, error) -> {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            timeout.cancel(false);
            applyLeaderResult(px, result, services);
            callback.done(false);
        }, services.waiterExecutor());
        return false;
    }

    /**
     * Answers a waiter from its leader's result; false (and nothing set but {@code collapsed=false}) when the
     * leader failed without an answer or answered another variant, so the waiter must fetch its own.
     */
    static boolean applyLeaderResult(ProxyExchange px, FillResult result, CacheServices services) {
        if (result == null || result.response() == null
                || !services.cache().matchesVariant(result.response(), result.producingRequest(), px.requestHeaders())) {
            // the leader failed without an answer, or its answer is another variant: fetch our own
            px.collapsed(false);
            return false;
        }
        CacheStatus status = result.status();
        if (status == CacheStatus.MISS && result.stored()) {
            status = CacheStatus.HIT;
        }
        px.status(status);
        px.respondWith(result.response(), result.stored() || status == CacheStatus.STALE);
        px.upstreamStatus(null);
        px.action(ProxyExchange.Action.RESPOND);
        return true;
    }

    /**
     * GitHub's current refusal of this request's token (for its resource), or null when it may ask: the route
     * then answers from the entry or with that refusal, never a waiter.
     */
    static RateLimitTracker.Block rateLimitBlock(ProxyExchange px, CacheServices services, Instant now) {
        if (!services.settings().respectRateLimit() || RequestCachePolicy.isRateLimit(px.rawPath())) {
            return null;
        }
        return services.rateLimits().blocked(px.key().partitionPrefix(), RateLimitPolicy.resourceOfPath(px.rawPath()),
                now);
    }
}
