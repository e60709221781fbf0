package io.githubcache.config;

/**
 * A setting whose value cannot be used. Its message is the one line an operator sees at startup: it names
 * the property, the environment variable that overrides it, and the value that was refused.
 */
public class InvalidSettingException extends RuntimeException {

    public InvalidSettingException(String key, String value, String reason) {
        super("invalid setting " + key + " (env " + SettingsSource.envName(key) + ") = '" + value + "': " + reason);
    }
}
