package io.githubcache.cache;

import com.github.benmanes.caffeine.cache.Interner;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes stored entries share one String instance per header name, and per value of the headers whose values
 * repeat across GitHub's responses ({@code Content-Type}, {@code Vary}, the security headers, the rate-limit
 * figures, {@code Date}...). A stored response then holds its own strings only for the few values that are its
 * own ({@code ETag}, {@code X-GitHub-Request-Id}, {@code Link}...): a third of the heap per entry, and far fewer
 * objects for the garbage collector to trace while the memory tier is full.
 *
 * <p>Weak interners (Caffeine's): a string no entry uses any more is collected, so an upstream that invents
 * header names or values cannot grow this table beyond what the memory tier itself holds.
 */
final class HeaderInterner {

    /** Response headers whose values GitHub repeats across many responses. Names compared case-insensitively. */
    private static final Set<String> SHARED_VALUES = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    /** Longer values are left alone: a long value is unlikely to repeat. */
    private static final int MAX_SHARED_VALUE = 512;
    private static final Interner<String> NAMES = Interner.newWeakInterner();
    private static final Interner<String> VALUES = Interner.newWeakInterner();

    static {
        SHARED_VALUES.addAll(Set.of("Server", "Date", "Content-Type", "Content-Length", "Content-Encoding",
                "Cache-Control", "Vary", "Accept-Ranges", "X-GitHub-Media-Type", "X-GitHub-Api-Version-Selected",
                "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used",
                "X-RateLimit-Resource", "X-OAuth-Scopes", "X-Accepted-OAuth-Scopes", "X-OAuth-Client-Id",
                "GitHub-Authentication-Token-Expiration", "Access-Control-Expose-Headers",
                "Access-Control-Allow-Origin", "Strict-Transport-Security", "X-Frame-Options",
                "X-Content-Type-Options", "X-XSS-Protection", "Referrer-Policy", "Content-Security-Policy"));
    }

    private HeaderInterner() {
    }

    static String name(String name) {
        return NAMES.intern(name);
    }

    static String value(String name, String value) {
        return sharesValue(name, value) ? VALUES.intern(value) : value;
    }

    /** Whether {@link #value} shares this value with other entries (so it is not counted in an entry's weight). */
    static boolean sharesValue(String name, String value) {
        return value.length() <= MAX_SHARED_VALUE && SHARED_VALUES.contains(name);
    }
}
