package io.githubcache.cache;

import java.util.Objects;

/**
 * The primary cache key. Besides the request target it always holds the token partition, {@code Accept}
 * and {@code X-GitHub-Api-Version}, whatever the upstream's {@code Vary} says: a response fetched with one
 * token is never a candidate for another (GitHub omits the API version from {@code Vary}, and nginx reads
 * only the last of GitHub's two {@code Vary} lines, which is how such proxies leak).
 *
 * <p>Its parts: {@code upstream}, which upstream the target belongs to (several templated routes share one store);
 * {@code partition}, SHA-256 of the {@code Authorization} header, or {@code anonymous}; {@code accept}, the
 * {@code Accept} header as sent, whitespace-normalised; {@code apiVersion}, the {@code X-GitHub-Api-Version}
 * header, or empty; {@code target}, the raw path and query, byte for byte as the client sent them.
 *
 * <p>A class rather than a record so that {@link #asString()} is built once per key: a request asks for it
 * four to six times (store, coalescer, fill lock), and building it each time was about a twelfth of what a
 * revalidation allocated, plus a fresh hash of a long string at each map lookup.
 */
public final class CacheKey {

    public static final String ANONYMOUS = "anonymous";

    private final String upstream;
    private final String partition;
    private final String accept;
    private final String apiVersion;
    private final String target;
    /** {@link #asString()}, built on first use (a benign race: every thread builds an equal string). */
    private String asString;

    public CacheKey(String upstream, String partition, String accept, String apiVersion, String target) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.partition = Objects.requireNonNull(partition, "partition");
        this.accept = Objects.requireNonNull(accept, "accept");
        this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
        this.target = Objects.requireNonNull(target, "target");
    }

    public String upstream() {
        return upstream;
    }

    public String partition() {
        return partition;
    }

    public String accept() {
        return accept;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public String target() {
        return target;
    }

    /** The raw path, without query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** A stable string form, used as the store key; it holds no secret. */
    public String asString() {
        String s = asString;
        if (s == null) {
            s = partitionPrefix() + accept + '\n' + apiVersion + '\n' + target;
            asString = s;
        }
        return s;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && target.equals(k.target) && partition.equals(k.partition)
                && accept.equals(k.accept) && apiVersion.equals(k.apiVersion) && upstream.equals(k.upstream);
    }

    @Override
    public int hashCode() {
        return asString().hashCode();
    }

    @Override
    public String toString() {
        return "CacheKey[upstream=" + upstream + ", partition=" + partition + ", accept=" + accept + ", apiVersion="
                + apiVersion + ", target=" + target + "]";
    }
}
