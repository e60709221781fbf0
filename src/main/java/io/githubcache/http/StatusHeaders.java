package io.githubcache.http;

import io.githubcache.cache.CacheStatus;

/**
 * The one place that turns a {@link CacheStatus} into what clients see: nginx's {@code X-Github-Cache-Status}
 * value and the RFC 9211 {@code Cache-Status} header ({@code github-cache; hit} and so on).
 */
public final class StatusHeaders {

    public static final String CACHE_NAME = "github-cache";
    /** The status shown on requests refused before the cache was consulted. */
    public static final CacheStatus REJECTED_STATUS = CacheStatus.BYPASS;

    private StatusHeaders() {
    }

    /**
     * @param ttlSeconds   remaining freshness of the entry served or stored, or null
     * @param stored       whether the response was stored
     * @param collapsed    whether the request waited for another one's upstream response
     * @param fwdStatus    status the upstream answered, or null when it was not asked
     */
    public static String cacheStatus(CacheStatus status, Long ttlSeconds, boolean stored, boolean collapsed,
            Integer fwdStatus) {
        return cacheStatus(status, ttlSeconds, stored, collapsed, fwdStatus, null);
    }

    /** As above, with an extra {@code detail} (e.g. {@code rate-limited}), or null. */
    public static String cacheStatus(CacheStatus status, Long ttlSeconds, boolean stored, boolean collapsed,
            Integer fwdStatus, String detail) {
        StringBuilder sb = new StringBuilder(CACHE_NAME);
        switch (status) {
            case HIT -> sb.append("; hit");
            case STALE -> sb.append("; hit; detail=stale");
            case MISS -> sb.append("; fwd=uri-miss");
            case EXPIRED, REVALIDATED -> sb.append("; fwd=stale");
            case BYPASS -> sb.append("; fwd=bypass");
            default -> throw new IllegalStateException("unknown status " + status);
        }
        if (fwdStatus != null && status != CacheStatus.HIT && status != CacheStatus.STALE) {
            sb.append("; fwd-status=").append(fwdStatus);
        }
        if (ttlSeconds != null) {
            sb.append("; ttl=").append(ttlSeconds);
        }
        if (stored) {
            sb.append("; stored");
        }
        if (collapsed) {
            sb.append("; collapsed");
        }
        if (detail != null && status != CacheStatus.STALE) {
            sb.append("; detail=").append(detail);
        }
        return sb.toString();
    }

    public static String rejectedCacheStatus() {
        return CACHE_NAME + "; fwd=request; detail=rejected";
    }
}
