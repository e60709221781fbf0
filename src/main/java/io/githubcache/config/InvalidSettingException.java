package io.githubcache.config;

/**
 * A setting whose value cannot be used. Its message is the one line an operator sees at startup: it names
 * the property, the environment variable that overrides it, and the value that was refused.
 */
public class InvalidSettingException extends RuntimeException {

    public InvalidSettingException(String key, String value, String reason) {
        super("invalid setting " + key + " (env " + envNames(key) + ") = '" + value + "': " + reason);
    }

    private static String envNames(String key) {
        String env = SettingsSource.envName(key);
        return switch (key) {
            case "github.cache.port" -> env + " or PORT";
            case "github.cache.base-url" -> env + " or OD_GITHUBCACHE_BASE_URL";
            default -> env;
        };
    }
}
