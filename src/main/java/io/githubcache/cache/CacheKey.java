package io.githubcache.cache;

/**
 * The primary cache key. Besides the request target it always holds the token partition, {@code Accept}
 * and {@code X-GitHub-Api-Version}, whatever the upstream's {@code Vary} says: a response fetched with one
 * token is never a candidate for another (GitHub omits the API version from {@code Vary}, and nginx reads
 * only the last of GitHub's two {@code Vary} lines, which is how such proxies leak).
 *
 * @param upstream   which upstream the target belongs to (several templated routes share one store)
 * @param partition  SHA-256 of the {@code Authorization} header, or {@code anonymous}
 * @param accept     the {@code Accept} header as sent, whitespace-normalised
 * @param apiVersion the {@code X-GitHub-Api-Version} header, or empty
 * @param target     raw path and query, byte for byte as the client sent them
 */
public record CacheKey(String upstream, String partition, String accept, String apiVersion, String target) {

    public static final String ANONYMOUS = "anonymous";

    /** The raw path, without query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** A stable string form, used as the store key; it holds no secret. */
    public String asString() {
        return partitionPrefix() + accept + '\n' + apiVersion + '\n' + target;
    }

    /**
     * The start of {@link #asString()} shared by every entry of this token partition on this upstream: what
     * a write invalidates within, and the scope of GitHub's rate limits.
     */
    public String partitionPrefix() {
        return partitionPrefix(upstream, partition);
    }

    public static String partitionPrefix(String upstream, String partition) {
        return upstream + '\n' + partition + '\n';
    }
}
