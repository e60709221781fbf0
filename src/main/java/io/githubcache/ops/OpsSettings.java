package io.githubcache.ops;

import io.githubcache.config.InvalidSettingException;
import io.githubcache.config.SettingValues;
import io.githubcache.config.SettingsSource;
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
        Duration timeout = SettingValues.positiveDuration(SHUTDOWN_TIMEOUT,
                source.get(SHUTDOWN_TIMEOUT).orElse("20s").trim());
        boolean enabled = Boolean.parseBoolean(source.get(MANAGEMENT_ENABLED).orElse("false").trim());
        int port = -1;
        if (enabled) {
            String p = source.get(MANAGEMENT_PORT).orElse("8080").trim();
            port = SettingValues.port(MANAGEMENT_PORT, p);
            if (port == proxyPort) {
                throw new InvalidSettingException(MANAGEMENT_PORT, p,
                        "must differ from github.cache.port: management paths never share the proxy's port");
            }
            SettingValues.requireFreePort(MANAGEMENT_PORT, p, port);
        }
        return new OpsSettings(timeout, enabled, port);
    }
}
