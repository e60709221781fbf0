package io.githubcache.cache;

import io.githubcache.http.HeaderNameSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes stored entries share one String instance per header name, and per value of the headers whose values
 * repeat across GitHub's responses ({@code Content-Type}, {@code Vary}, the security headers...). A stored
 * response then holds its own strings only for the values that are its own ({@code ETag}, {@code Date}, the
 * rate-limit counters, {@code X-GitHub-Request-Id}, {@code Link}, per-token headers...): a third of the heap
 * per entry, and far
 * fewer objects for the garbage collector to trace while the memory tier is full.
 *
 * <p>Two bounded maps: past {@link #MAX_NAMES} names or {@link #MAX_VALUES} values nothing new is shared (an
 * upstream that invents names or values costs that much memory at most, and entries stay correct, only less
 * compact). Values that change with time ({@code Date}, rate-limit counters) are not shared, so the tables
 * do not fill up with them. Plain concurrent maps rather than weak interners: a lookup is one hash probe, and
 * it runs for every header line of every stored response.
 */
final class HeaderInterner {

    static final int MAX_NAMES = 4096;
    static final int MAX_VALUES = 4096;
    /** The one the stored entries use. */
    static final HeaderInterner SHARED = new HeaderInterner(MAX_NAMES, MAX_VALUES);
    /** Longer values are left alone: a long value is unlikely to repeat. */
    private static final int MAX_SHARED_VALUE = 512;
    /** Response headers whose values GitHub repeats across many responses. Names compared case-insensitively. */
    private static final HeaderNameSet SHARED_VALUES = HeaderNameSet.of("Server", "Content-Type", "Content-Encoding", "Cache-Control", "Vary",
                "Accept-Ranges", "X-GitHub-Media-Type", "X-GitHub-Api-Version-Selected", "X-RateLimit-Limit",
                "X-RateLimit-Resource", "X-Accepted-OAuth-Scopes", "Access-Control-Expose-Headers",
                "Access-Control-Allow-Origin", "Strict-Transport-Security", "X-Frame-Options",
                "X-Content-Type-Options", "X-XSS-Protection", "Referrer-Policy", "Content-Security-Policy");

    private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();
    /** Name to whether its values are shared ({@link #SHARED_VALUES}); bounded like the names. */
    private final ConcurrentHashMap<String, Boolean> valuesShared = new ConcurrentHashMap<>();
    private final int maxNames;
    private final int maxValues;

    HeaderInterner(int maxNames, int maxValues) {
        this.maxNames = maxNames;
        this.maxValues = maxValues;
    }

    String name(String name) {
        return intern(names, maxNames, name);
    }

    /** {@code name} as {@link #name} returned it, so that it is mostly the shared instance. */
    String value(String name, String value) {
        if (value.length() > MAX_SHARED_VALUE) {
            return value;
        }
        // keyed by the shared name instance: its hash is cached and equality is identity, cheaper than the set
        Boolean shares = valuesShared.get(name);
        if (shares == null) {
            shares = SHARED_VALUES.contains(name);
            if (valuesShared.size() < maxNames) {
                valuesShared.putIfAbsent(name, shares);
            }
        }
        return shares ? intern(values, maxValues, value) : value;
    }

    /** Whether {@link #value} would look this value up (its header's values repeat across responses). */
    static boolean sharesValue(String name, String value) {
        return value.length() <= MAX_SHARED_VALUE && SHARED_VALUES.contains(name);
    }

    /** Whether this very instance is the shared one (so an entry holding it does not pay for it). */
    boolean isSharedName(String name) {
        return names.get(name) == name;
    }

    boolean isSharedValue(String value) {
        return values.get(value) == value;
    }

    private static String intern(ConcurrentHashMap<String, String> table, int max, String s) {
        String shared = table.get(s);
        if (shared != null) {
            return shared;
        }
        if (table.size() >= max) {
            return s;
        }
        shared = table.putIfAbsent(s, s);
        return shared != null ? shared : s;
    }
}
