package io.githubcache.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * Parsing of single setting values into types, shared by {@link Settings} and the settings of the optional
 * parts (operations, Redis), so every bad value fails the same way: one {@link InvalidSettingException}
 * naming the key and the value.
 */
public final class SettingValues {

    private SettingValues() {
    }

    public static Duration duration(String key, String raw) {
        try {
            return Units.parseDuration(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(key, raw, e.getMessage());
        }
    }

    public static Duration positiveDuration(String key, String raw) {
        Duration d = duration(key, raw);
        if (d.isZero()) {
            throw new InvalidSettingException(key, raw, "must be greater than 0");
        }
        return d;
    }

    /** An http(s) base URL: scheme, host, optional path; no query or fragment (an upstream's, the proxy's own). */
    public static URI baseUrl(String key, String raw) {
        try {
            URI uri = new URI(raw.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new InvalidSettingException(key, raw, "expected an http:// or https:// URL");
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                throw new InvalidSettingException(key, raw, "the URL has no host");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new InvalidSettingException(key, raw, "the URL must not have a query or fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, raw, "not a valid URL (" + e.getReason() + ")");
        }
    }

    public static int port(String key, String raw) {
        int p;
        try {
            p = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, raw, "a port must be a number between 1 and 65535");
        }
        if (p < 1 || p > 65535) {
            throw new InvalidSettingException(key, raw, "a port must be between 1 and 65535");
        }
        return p;
    }

    /** A busy port would otherwise surface as a Netty or Vert.x stack trace; say it in one line instead. */
    public static void requireFreePort(String key, String raw, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new InvalidSettingException(key, raw,
                    "the port is already in use or cannot be bound (" + e.getMessage() + ")");
        }
    }
}
