package io.githubcache.cache;

/**
 * What the request that fetched an entry got, handed to every request that waited for it.
 *
 * @param response        the response as stored (body in stored coding), or as passed through
 * @param producingRequest the request headers that produced it, to check waiters select the same variant
 * @param status          the fetching request's outcome
 * @param stored          whether it went into the cache
 */
public record FillResult(CachedResponse response, HeaderList producingRequest, CacheStatus status, boolean stored) {
}
