package io.githubcache.redis;

import io.githubcache.config.InvalidSettingException;
import io.githubcache.config.SettingsSource;
import io.githubcache.config.SettingValues;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * Which store sits under the memory tier ({@code github.cache.store}: {@code disk}, the default, or
 * {@code redis}) and, for Redis, where it is ({@code github.cache.redis-url}) and how long any one call to it
 * may take ({@code github.cache.redis-timeout}); optionally the password apart from the URL
 * ({@code github.cache.redis-password}; Camel's startup summary masks both, see GithubCacheMain.SENSITIVE_SETTINGS).
 */
public record RedisSettings(boolean enabled, String url, Duration timeout, String password) {

    public RedisSettings(boolean enabled, String url, Duration timeout) {
        this(enabled, url, timeout, null);
    }

    @Override
    public String toString() {
        return "RedisSettings[enabled=" + enabled + ", url=" + redact(url) + ", timeout=" + timeout + "]";
    }


    public static RedisSettings load(SettingsSource source) {
        String store = source.get("github.cache.store").orElse("disk").trim().toLowerCase(Locale.ROOT);
        if (!store.equals("disk") && !store.equals("redis")) {
            throw new InvalidSettingException("github.cache.store", store, "expected disk or redis");
        }
        Duration timeout = SettingValues.positiveDuration("github.cache.redis-timeout",
                source.get("github.cache.redis-timeout").orElse("200ms").trim());
        String url = source.get("github.cache.redis-url").orElse("").trim();
        if (store.equals("redis")) {
            try {
                URI u = new URI(url);
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                    throw new InvalidSettingException("github.cache.redis-url", redact(url),
                            "expected redis://[user:password@]host:port/db or rediss://...");
                }
                if (u.getHost() == null || u.getHost().isBlank()) {
                    throw new InvalidSettingException("github.cache.redis-url", redact(url), "the URL has no host");
                }
            } catch (URISyntaxException e) {
                throw new InvalidSettingException("github.cache.redis-url", redact(url),
                        "not a valid URL (" + e.getReason() + ")");
            }
            requireRedisUrl(url);
        }
        // a password kept out of the URL (Camel's startup summary masks it: GithubCacheMain.SENSITIVE_SETTINGS)
        String password = source.get("github.cache.redis-password").filter(p -> !p.isBlank()).orElse(null);
        return new RedisSettings(store.equals("redis"), url, timeout, password);
    }

    /**
     * Parses the URL as the Redis client will, so a database that is not a number or a port out of range is one
     * line naming the setting at startup, not the client's stack trace. The client's reason may quote the URL:
     * its user information is cut out of it.
     */
    static void requireRedisUrl(String url) {
        try {
            RedisURI.create(url);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int at = url.indexOf('@');
            int from = url.indexOf("//") + 2;
            if (at > from) {
                reason = reason.replace(url.substring(from, at), "***");
            }
            throw new InvalidSettingException("github.cache.redis-url", redact(url),
                    "not a valid Redis URL (" + redact(reason) + "); expected redis://[user:password@]host:port/db");
        }
    }

    /** The URL without its password, for logs and error messages. */
    public static String redact(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
