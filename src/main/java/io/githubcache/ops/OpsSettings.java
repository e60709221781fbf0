package io.githubcache.ops;

import io.githubcache.config.InvalidSettingException;
import io.githubcache.config.SettingsSource;
import io.githubcache.config.Units;
import java.time.Duration;

/**
 * The operations settings: how long a graceful shutdown waits for in-flight requests, and the management
 * port (Camel's own {@code camel.management.port}, checked here so it cannot collide with the proxy port).
 */
public record OpsSettings(Duration shutdownTimeout, boolean managementEnabled, int managementPort) {

    public static final String SHUTDOWN_TIMEOUT = "github.cache.shutdown-timeout";
    public static final String MANAGEMENT_ENABLED = "camel.management.enabled";
    public static final String MANAGEMENT_PORT = "camel.management.port";

    public static OpsSettings load(SettingsSource source, int proxyPort) {
        String raw = source.get(SHUTDOWN_TIMEOUT).orElse("20s").trim();
        Duration timeout;
        try {
            timeout = Units.parseDuration(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(SHUTDOWN_TIMEOUT, raw, e.getMessage());
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new InvalidSettingException(SHUTDOWN_TIMEOUT, raw, "must be greater than 0");
        }
        boolean enabled = Boolean.parseBoolean(source.get(MANAGEMENT_ENABLED).orElse("false").trim());
        int port = -1;
        if (enabled) {
            String p = source.get(MANAGEMENT_PORT).orElse("8080").trim();
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(MANAGEMENT_PORT, p, "a port must be a number between 1 and 65535");
            }
            if (port < 1 || port > 65535) {
                throw new InvalidSettingException(MANAGEMENT_PORT, p, "a port must be between 1 and 65535");
            }
            if (port == proxyPort) {
                throw new InvalidSettingException(MANAGEMENT_PORT, p,
                        "must differ from github.cache.port: management paths never share the proxy's port");
            }
            checkPortFree(port, p);
        }
        return new OpsSettings(timeout, enabled, port);
    }

    /** A busy management port stops startup with one line naming the setting, not a Vert.x stack trace. */
    private static void checkPortFree(int port, String raw) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(port));
        } catch (java.io.IOException e) {
            throw new InvalidSettingException(MANAGEMENT_PORT, raw,
                    "the port is already in use or cannot be bound (" + e.getMessage() + ")");
        }
    }
}
