package io.githubcache.route;

/**
 * What the flow reports as it runs, for metrics. The routes call these; an implementation (Micrometer in
 * production, {@link #NONE} when metrics are off) turns them into counters and histograms.
 */
public interface CacheEvents {

    CacheEvents NONE = new CacheEvents() {
    };

    /** A response was sent to a client; {@code px} holds its cache status, collapse flag and upstream status. */
    default void responded(ProxyExchange px, int clientStatus) {
    }

    /**
     * The proxy answered a request itself, before the route ({@code RequestGuard}: refused, or turned away while
     * draining), with {@code clientStatus}; such answers carry {@code StatusHeaders.REJECTED_STATUS}.
     */
    default void refused(int clientStatus) {
    }

    /** The upstream answered with {@code status}, or failed ({@code status} = -1), after {@code nanos}. */
    default void upstreamAnswered(int status, long nanos) {
    }

    /** GitHub reported rate-limit numbers for a token partition (fingerprint only) and resource. */
    default void rateLimitSeen(String fingerprint, String resource, long limit, long remaining, long resetEpochSeconds) {
    }
}
