package io.githubcache.route;

import io.githubcache.cache.CacheKeyGenerator;
import io.githubcache.cache.FillLock;
import io.githubcache.cache.Freshness;
import io.githubcache.cache.GunzippedCopies;
import io.githubcache.cache.HttpCache;
import io.githubcache.cache.RequestCachePolicy;
import io.githubcache.cache.RequestCoalescer;
import io.githubcache.cache.ResponseCachePolicy;
import io.githubcache.config.Settings;
import io.githubcache.http.HeaderBlocks;
import io.githubcache.ratelimit.RateLimitPolicy;
import io.githubcache.ratelimit.RateLimitTracker;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The long-lived collaborators every route instance shares: one cache, one coalescer, the policies, the
 * encoded lines and gunzipped bodies of hot entries, and the clock (injectable, so tests move time instead of
 * sleeping).
 */
public record CacheServices(
        Settings settings,
        HttpCache cache,
        RequestCoalescer coalescer,
        CacheKeyGenerator keys,
        RequestCachePolicy requestPolicy,
        ResponseCachePolicy responsePolicy,
        Freshness freshness,
        Clock clock,
        ScheduledExecutorService timer,
        Executor waiterExecutor,
        RateLimitTracker rateLimits,
        RateLimitPolicy rateLimitPolicy,
        CacheEvents events,
        FillLock fillLock,
        RouteDirectory routes,
        HeaderBlocks headerBlocks,
        GunzippedCopies gunzippedCopies) {

    public static CacheServices create(Settings s, HttpCache cache, Clock clock, ScheduledExecutorService timer,
            Executor waiterExecutor, CacheEvents events) {
        return create(s, cache, clock, timer, waiterExecutor, events, FillLock.NONE);
    }

    /** With a lock shared by replicas ({@link FillLock#NONE} on one node). */
    public static CacheServices create(Settings s, HttpCache cache, Clock clock, ScheduledExecutorService timer,
            Executor waiterExecutor, CacheEvents events, FillLock fillLock) {
        return new CacheServices(s, cache, new RequestCoalescer(s.lockAge()), new CacheKeyGenerator(),
                new RequestCachePolicy(), new ResponseCachePolicy(s.ttl(), s.ttl404(), s.maxEntrySize()),
                new Freshness(s.staleIfError()), clock, timer, waiterExecutor, new RateLimitTracker(),
                new RateLimitPolicy(), events, fillLock, new RouteDirectory(),
                new HeaderBlocks(HeaderBlocks.DEFAULT_MAX_BYTES), new GunzippedCopies(GunzippedCopies.DEFAULT_MAX_BYTES));
    }
}
