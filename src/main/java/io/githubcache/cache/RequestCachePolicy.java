package io.githubcache.cache;

import io.githubcache.http.HeaderNames;

/** Decides, from the request alone, whether the cache may answer it and whether its response may be stored. */
public final class RequestCachePolicy {

    /** What the cache does with a request. */
    public enum Decision {
        /** Look the entry up; fill it on a miss (GET and HEAD). */
        LOOKUP,
        /** Skip the lookup but store the response ({@code Pragma}, as nginx's {@code proxy_cache_bypass}). */
        BYPASS_AND_STORE,
        /** Forward as is and store nothing ({@code /rate_limit}, writes and other methods). */
        PASS
    }

    public Decision decide(String method, String rawPath, HeaderList requestHeaders) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Decision.PASS;
        }
        if (isRateLimit(rawPath)) {
            return Decision.PASS;
        }
        if (requestHeaders.contains(HeaderNames.PRAGMA)) {
            return Decision.BYPASS_AND_STORE;
        }
        return Decision.LOOKUP;
    }

    /** {@code /rate_limit} must always show live numbers, whatever the query. */
    public static boolean isRateLimit(String rawPath) {
        String p = rawPath;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.equalsIgnoreCase("/rate_limit");
    }

    /** True for methods that change state and so invalidate what is cached for their target (RFC 9111 section 4.4). */
    public static boolean isUnsafe(String method) {
        return switch (method) {
            case "POST", "PUT", "PATCH", "DELETE" -> true;
            default -> false;
        };
    }
}
