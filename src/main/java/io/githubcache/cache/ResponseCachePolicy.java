package io.githubcache.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * Decides whether a response may be stored and for how long. Like nginx's
 * {@code proxy_ignore_headers Expires Cache-Control Set-Cookie}, the upstream's own caching headers neither
 * shorten nor prevent storage: GitHub marks everything {@code private, max-age=60}, and this cache is
 * private per token partition anyway.
 */
public final class ResponseCachePolicy {

    private final Duration ttl;
    private final Duration ttl404;
    private final long maxEntrySize;

    public ResponseCachePolicy(Duration ttl, Duration ttl404, long maxEntrySize) {
        this.ttl = ttl;
        this.ttl404 = ttl404;
        this.maxEntrySize = maxEntrySize;
    }

    /** The lifetime of a storable response, or empty when it must not be stored. */
    public Optional<Duration> lifetime(int status, HeaderList headers, int bodyLength) {
        Duration d = switch (status) {
            case 200, 302 -> ttl;
            case 404 -> ttl404;
            default -> Duration.ZERO;
        };
        if (d.isZero() || d.isNegative() || bodyLength > maxEntrySize) {
            return Optional.empty();
        }
        if (!ContentCoding.isServable(ContentCoding.codingOf(headers))) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    public Duration lifetimeAfterRevalidation(int status) {
        return status == 404 ? ttl404 : ttl;
    }
}
