package io.githubcache.cache;

/**
 * How a response was produced. One value per request; {@link #headerValue()} is what clients see in
 * {@code X-Github-Cache-Status} (nginx's {@code $upstream_cache_status} values, so dashboards keep working),
 * and the same name is the access-log field and the metric tag.
 */
public enum CacheStatus {
    /** No usable entry: the response came from the upstream (and was stored if storable). */
    MISS,
    /** Served from a fresh entry, or from the response another request was fetching while this one waited. */
    HIT,
    /** The entry had expired; the upstream sent a full new response, which replaced it. */
    EXPIRED,
    /** The entry had expired; the upstream answered the conditional request with 304, which costs no rate limit. */
    REVALIDATED,
    /** The entry had expired and the upstream failed (or is rate limiting), so the old entry was served (RFC 5861). */
    STALE,
    /** The cache was not consulted: {@code Pragma}, {@code /rate_limit}, or a method that is never cached. */
    BYPASS;

    public String headerValue() {
        return name();
    }
}
