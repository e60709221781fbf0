package io.githubcache.cache;

import java.time.Duration;
import java.time.Instant;

/** Freshness and staleness of an entry at a given instant; the instant is passed in so tests control time. */
public final class Freshness {

    private final Duration staleIfError;

    /** @param staleIfError how long past expiry an entry may still be served when the upstream fails; 0 = never */
    public Freshness(Duration staleIfError) {
        this.staleIfError = staleIfError;
    }

    public boolean isFresh(CachedResponse entry, Instant now) {
        return now.isBefore(entry.expiresAt());
    }

    /** RFC 5861 stale-if-error, bounded: nginx serves stale entries of any age. */
    public boolean mayServeStale(CachedResponse entry, Instant now) {
        if (staleIfError.isZero()) {
            return false;
        }
        return now.isBefore(entry.expiresAt().plus(staleIfError));
    }

    /** Seconds of freshness left (negative once expired), for {@code Cache-Status: ttl=}. */
    public static long ttlSeconds(CachedResponse entry, Instant now) {
        return ttlSeconds(entry.expiresAt(), now);
    }

    public static long ttlSeconds(Instant expiresAt, Instant now) {
        return Duration.between(now, expiresAt).toSeconds();
    }
}
