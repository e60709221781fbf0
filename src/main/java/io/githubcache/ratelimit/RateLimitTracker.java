package io.githubcache.ratelimit;

import io.githubcache.cache.CachedResponse;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, per token partition and GitHub resource, until when GitHub will refuse requests, and the
 * refusal it sent, so the proxy can answer from the cache (or replay the refusal) instead of spending
 * requests that are certain to fail.
 */
public final class RateLimitTracker {

    /** A refusal in force: until when, and GitHub's own response to replay to requests without an entry. */
    public record Block(Instant until, CachedResponse refusal) {
    }

    private final ConcurrentHashMap<String, Block> blocks = new ConcurrentHashMap<>();

    public void block(String partition, String resource, Instant until, CachedResponse refusal) {
        blocks.merge(key(partition, resource), new Block(until, refusal),
                (old, neu) -> neu.until().isAfter(old.until()) || neu.refusal() != null ? neu : old);
    }

    /** The block in force for this partition and resource at {@code now}, or null. */
    public Block blocked(String partition, String resource, Instant now) {
        String k = key(partition, resource);
        Block b = blocks.get(k);
        if (b == null) {
            return null;
        }
        if (!now.isBefore(b.until())) {
            blocks.remove(k, b);
            return null;
        }
        return b;
    }

    /** A later success proves the limit is over (e.g. a reset came early). */
    public void clear(String partition, String resource) {
        blocks.remove(key(partition, resource));
    }

    private static String key(String partition, String resource) {
        return partition + '|' + resource;
    }
}
