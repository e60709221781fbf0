package io.githubcache.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Where raw setting values come from. In the application this is Camel's properties component (which
 * already lets {@code GITHUB_CACHE_X_Y} override {@code github.cache.x-y}); in unit tests a plain map.
 */
@FunctionalInterface
public interface SettingsSource {

    Optional<String> get(String key);

    /** The environment variable that overrides a key, by Camel's own naming rule. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
