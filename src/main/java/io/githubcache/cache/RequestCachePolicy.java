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
        /**
         * Forward as is and store nothing ({@code /rate_limit}, writes and other methods, and reads whose query
         * carries a credential).
         */
        PASS
    }

    /** Query parameters that carry a credential (GitHub's retired query-string authentication). */
    private static final String[] CREDENTIAL_PARAMS = {"access_token", "client_secret"};

    public Decision decide(String method, String rawPath, HeaderList requestHeaders) {
        return decide(method, rawPath, null, requestHeaders);
    }

    /** @param rawQuery the query without its {@code ?}, or null */
    public Decision decide(String method, String rawPath, String rawQuery, HeaderList requestHeaders) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Decision.PASS;
        }
        if (isRateLimit(rawPath) || carriesCredential(rawQuery)) {
            return Decision.PASS;
        }
        if (requestHeaders.contains(HeaderNames.PRAGMA)) {
            return Decision.BYPASS_AND_STORE;
        }
        return Decision.LOOKUP;
    }

    /**
     * Whether the query has an {@code access_token} or {@code client_secret} parameter (any case). The cache key
     * holds the raw target, and the disk tier and Redis keep keys as they are (purges match them by path), so
     * such a request is passed and never stored: no credential reaches the disk or a shared store, and no
     * answer is partitioned by a secret the key would only hold in clear. GitHub no longer accepts these
     * parameters for authentication, so nothing is lost that a client could rely on.
     */
    public static boolean carriesCredential(String rawQuery) {
        if (rawQuery == null) {
            return false;
        }
        int start = 0;
        while (start < rawQuery.length()) {
            for (String name : CREDENTIAL_PARAMS) {
                int end = start + name.length();
                if (rawQuery.regionMatches(true, start, name, 0, name.length())
                        && (end == rawQuery.length() || rawQuery.charAt(end) == '=' || rawQuery.charAt(end) == '&')) {
                    return true;
                }
            }
            int amp = rawQuery.indexOf('&', start);
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return false;
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
