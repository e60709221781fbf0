package io.githubcache.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every github-cache setting, parsed and checked once at startup. A bad value stops startup with an
 * {@link InvalidSettingException} naming the setting, rather than surfacing later as a strange request
 * failure.
 */
public record Settings(
        int port,
        URI upstreamUrl,
        String baseUrl,
        Duration ttl,
        Duration ttl404,
        long maxMemory,
        long maxEntrySize,
        Duration upstreamTimeout,
        Duration lockAge,
        Duration lockTimeout,
        Duration staleIfError,
        boolean respectRateLimit,
        int maxHeaderSize,
        int maxUriLength,
        long maxRequestBody,
        long maxResponseSize,
        java.nio.file.Path cacheDir,
        long maxDisk,
        Duration inactive,
        Duration clientIdleTimeout) {

    public static final String PREFIX = "github.cache.";
    /** Below this, even a 404's body is refused: the proxy would answer nothing but 502. */
    static final long MIN_RESPONSE_SIZE = 1024;
    /** A disk tier below this holds a few hundred GitHub answers at most (entries take half of max-disk). */
    static final long SMALL_DISK = 1024 * 1024;

    /** Reads and validates all settings; the first bad one throws. */
    public static Settings load(SettingsSource source) {
        Reader r = new Reader(source);
        int port = r.port("port");
        URI upstream = r.url("upstream-url");
        String baseUrl = r.optional("base-url");
        if (baseUrl == null || baseUrl.isBlank() || baseUrl.trim().equalsIgnoreCase("auto")) {
            baseUrl = "http://localhost:" + port;
        } else {
            r.checkUrl("base-url", baseUrl);
        }
        baseUrl = stripTrailingSlash(baseUrl.trim());
        Duration ttl = r.duration("ttl");
        Duration ttl404 = r.duration("ttl-404");
        long maxMemory = r.size("max-memory");
        long maxEntry = r.size("max-entry-size");
        Duration upstreamTimeout = r.positiveDuration("upstream-timeout");
        Duration lockAge = r.duration("lock-age");
        Duration lockTimeout = r.duration("lock-timeout");
        Duration staleIfError = r.duration("stale-if-error");
        boolean respectRateLimit = r.bool("respect-rate-limit");
        int maxHeader = r.intSize("max-header-size", 1024);
        int maxUri = r.intSize("max-uri-length", 256);
        long maxRequestBody = r.size("max-request-body");
        long maxResponse = r.size("max-response-size");
        if (maxResponse < MIN_RESPONSE_SIZE) {
            throw new InvalidSettingException(PREFIX + "max-response-size", r.raw("max-response-size"),
                    "must be at least 1KB: every answer with a body would be refused with 502");
        }
        if (maxResponse > Integer.MAX_VALUE) {
            throw new InvalidSettingException(PREFIX + "max-response-size", r.raw("max-response-size"), "must be below 2GB");
        }
        if (maxRequestBody > Integer.MAX_VALUE) {
            throw new InvalidSettingException(PREFIX + "max-request-body", r.raw("max-request-body"), "must be below 2GB");
        }
        java.nio.file.Path dir = r.path("dir");
        long maxDisk = r.size("max-disk");
        Duration inactive = r.positiveDuration("inactive");
        Duration clientIdle = r.positiveDuration("client-idle-timeout");
        return new Settings(port, upstream, baseUrl, ttl, ttl404, maxMemory, maxEntry, upstreamTimeout, lockAge,
                lockTimeout, staleIfError, respectRateLimit, maxHeader, maxUri, maxRequestBody, maxResponse, dir,
                maxDisk, inactive, clientIdle);
    }

    /** The upstream base URL as a string without a trailing slash, e.g. {@code https://api.github.com}. */
    public String upstreamBase() {
        return stripTrailingSlash(upstreamUrl.toString());
    }

    /**
     * One line per value that is valid but switches something off, for the startup log: a zero meant as "off" is
     * then confirmed, and a unit forgotten ({@code max-disk=10} is ten bytes) does not go unnoticed.
     *
     * @param diskTier whether the disk tier is in use ({@code store=disk}); {@code max-disk} matters only then
     */
    public List<String> warnings(boolean diskTier) {
        List<String> out = new ArrayList<>();
        if (ttl.isZero()) {
            out.add(named("ttl") + " is 0: 200 and 302 responses are not cached");
        }
        if (ttl404.isZero()) {
            out.add(named("ttl-404") + " is 0: 404 responses are not cached");
        }
        if (maxMemory == 0) {
            out.add(named("max-memory") + " is 0: no memory tier, every hit is read from the disk tier (or Redis)");
        }
        if (maxEntrySize == 0) {
            out.add(named("max-entry-size") + " is 0: no response with a body is cached");
        }
        if (lockAge.isZero()) {
            out.add(named("lock-age") + " is 0: no collapsing, every request for a key being fetched goes upstream too");
        }
        if (lockTimeout.isZero()) {
            out.add(named("lock-timeout") + " is 0: no request waits for another's fetch of the same key, it goes "
                    + "upstream itself and does not store the answer");
        }
        if (staleIfError.isZero()) {
            out.add(named("stale-if-error") + " is 0: expired entries are never served when the upstream fails");
        }
        if (!respectRateLimit) {
            out.add(named("respect-rate-limit") + " is off: requests of a rate-limited token still go to GitHub");
        }
        if (diskTier && maxDisk < SMALL_DISK) {
            out.add(named("max-disk") + " is " + Units.formatSize(maxDisk) + " (a size without a unit is bytes): "
                    + "the disk tier keeps few or no entries");
        }
        return out;
    }

    private static String named(String name) {
        return PREFIX + name + " (env " + SettingsSource.envName(PREFIX + name) + ")";
    }

    /** One line per setting, logged once at startup so operators see what is in force. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("port", Integer.toString(port));
        m.put("upstream-url", upstreamBase());
        m.put("base-url", baseUrl);
        m.put("ttl", Units.format(ttl));
        m.put("ttl-404", Units.format(ttl404));
        m.put("max-memory", Units.formatSize(maxMemory));
        m.put("max-entry-size", Units.formatSize(maxEntrySize));
        m.put("upstream-timeout", Units.format(upstreamTimeout));
        m.put("lock-age", Units.format(lockAge));
        m.put("lock-timeout", Units.format(lockTimeout));
        m.put("stale-if-error", Units.format(staleIfError));
        m.put("respect-rate-limit", Boolean.toString(respectRateLimit));
        m.put("max-header-size", Units.formatSize(maxHeaderSize));
        m.put("max-uri-length", Units.formatSize(maxUriLength));
        m.put("max-request-body", Units.formatSize(maxRequestBody));
        m.put("max-response-size", Units.formatSize(maxResponseSize));
        m.put("dir", cacheDir.toString());
        m.put("max-disk", Units.formatSize(maxDisk));
        m.put("inactive", Units.format(inactive));
        m.put("client-idle-timeout", Units.format(clientIdleTimeout));
        return m;
    }

    private static String stripTrailingSlash(String s) {
        String out = s;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    /** Reads one typed value per call, turning parse failures into a message that names the setting. */
    private record Reader(SettingsSource source) {

        String raw(String name) {
            String key = PREFIX + name;
            String v = source.get(key).orElse(null);
            if (v == null || v.isBlank()) {
                throw new InvalidSettingException(key, v == null ? "" : v, "a value is required");
            }
            return v.trim();
        }

        String optional(String name) {
            return source.get(PREFIX + name).orElse(null);
        }

        Duration duration(String name) {
            return SettingValues.duration(PREFIX + name, raw(name));
        }

        Duration positiveDuration(String name) {
            return SettingValues.positiveDuration(PREFIX + name, raw(name));
        }

        long size(String name) {
            String v = raw(name);
            try {
                return Units.parseSize(v);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(PREFIX + name, v, e.getMessage());
            }
        }

        int intSize(String name, int min) {
            long s = size(name);
            if (s < min || s > 1024L * 1024) {
                throw new InvalidSettingException(PREFIX + name, raw(name), "must be between " + min + "B and 1MB");
            }
            return (int) s;
        }

        java.nio.file.Path path(String name) {
            String v = raw(name);
            try {
                return java.nio.file.Path.of(v);
            } catch (java.nio.file.InvalidPathException e) {
                throw new InvalidSettingException(PREFIX + name, v, "not a valid path (" + e.getReason() + ")");
            }
        }

        boolean bool(String name) {
            String v = raw(name).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new InvalidSettingException(PREFIX + name, v, "expected true or false");
            };
        }

        int port(String name) {
            return SettingValues.port(PREFIX + name, raw(name));
        }

        URI url(String name) {
            String v = raw(name);
            return checkUrl(name, v);
        }

        URI checkUrl(String name, String v) {
            return SettingValues.baseUrl(PREFIX + name, v);
        }
    }
}
