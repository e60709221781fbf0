package io.githubcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    /** The defaults of application.properties, with the placeholders resolved as Camel would without env. */
    private static Map<String, String> defaults() {
        Map<String, String> m = new HashMap<>();
        m.put("github.cache.port", "3000");
        m.put("github.cache.upstream-url", "https://api.github.com");
        m.put("github.cache.base-url", "auto");
        m.put("github.cache.ttl", "1m");
        m.put("github.cache.ttl-404", "30s");
        m.put("github.cache.max-memory", "256MB");
        m.put("github.cache.max-entry-size", "8MB");
        m.put("github.cache.upstream-timeout", "60s");
        m.put("github.cache.lock-age", "10s");
        m.put("github.cache.lock-timeout", "20s");
        m.put("github.cache.stale-if-error", "1d");
        m.put("github.cache.respect-rate-limit", "true");
        m.put("github.cache.max-header-size", "16KB");
        m.put("github.cache.max-uri-length", "8KB");
        m.put("github.cache.max-request-body", "32MB");
        m.put("github.cache.max-response-size", "64MB");
        m.put("github.cache.dir", "./cache");
        m.put("github.cache.max-disk", "10GB");
        m.put("github.cache.inactive", "1y");
        m.put("github.cache.client-idle-timeout", "75s");
        return m;
    }

    private static Settings load(Map<String, String> m) {
        return Settings.load(key -> Optional.ofNullable(m.get(key)));
    }

    private static Settings with(String key, String value) {
        Map<String, String> m = defaults();
        m.put(key, value);
        return load(m);
    }

    @Test
    void loadsTheShippedDefaults() {
        Settings s = load(defaults());

        assertThat(s.port()).isEqualTo(3000);
        assertThat(s.upstreamUrl()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(s.baseUrl()).isEqualTo("http://localhost:3000");
        assertThat(s.ttl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.ttl404()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxMemory()).isEqualTo(256L * 1024 * 1024);
        assertThat(s.maxEntrySize()).isEqualTo(8L * 1024 * 1024);
        assertThat(s.upstreamTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.lockAge()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.lockTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.staleIfError()).isEqualTo(Duration.ofDays(1));
        assertThat(s.respectRateLimit()).isTrue();
        assertThat(s.maxHeaderSize()).isEqualTo(16 * 1024);
        assertThat(s.maxUriLength()).isEqualTo(8 * 1024);
        assertThat(s.maxRequestBody()).isEqualTo(32L * 1024 * 1024);
        assertThat(s.maxResponseSize()).isEqualTo(64L * 1024 * 1024);
    }

    @ParameterizedTest(name = "ttl {0} = {1} ms")
    @CsvSource({"500ms, 500", "30s, 30000", "1m, 60000", "1h, 3600000", "2, 2000"})
    void durationSettingsTakeHumanUnits(String text, long millis) {
        assertThat(with("github.cache.ttl", text).ttl()).isEqualTo(Duration.ofMillis(millis));
        assertThat(with("github.cache.lock-age", text).lockAge()).isEqualTo(Duration.ofMillis(millis));
        assertThat(with("github.cache.stale-if-error", text).staleIfError()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "max-memory {0} = {1} bytes")
    @CsvSource({"512KB, 524288", "256MB, 268435456", "1GB, 1073741824"})
    void sizeSettingsTakeBinaryUnits(String text, long bytes) {
        assertThat(with("github.cache.max-memory", text).maxMemory()).isEqualTo(bytes);
        assertThat(with("github.cache.max-entry-size", text).maxEntrySize()).isEqualTo(bytes);
    }

    @Test
    void staleIfErrorZeroMeansNever() {
        assertThat(with("github.cache.stale-if-error", "0").staleIfError()).isZero();
    }

    @Test
    void baseUrlIsTakenAsGivenWithoutTrailingSlash() {
        assertThat(with("github.cache.base-url", "https://cache.example.test/").baseUrl())
                .isEqualTo("https://cache.example.test");
    }

    @Test
    void autoBaseUrlFollowsThePort() {
        Map<String, String> m = defaults();
        m.put("github.cache.port", "8123");
        assertThat(load(m).baseUrl()).isEqualTo("http://localhost:8123");
    }

    @Test
    void describeListsEverySettingOnceInOperatorUnits() {
        Map<String, String> d = with("github.cache.ttl", "90s").describe();

        assertThat(d).containsEntry("ttl", "90s")
                .containsEntry("max-memory", "256MB")
                .containsEntry("upstream-url", "https://api.github.com")
                .hasSize(Settings.class.getRecordComponents().length);
    }

    @Test
    void badDurationNamesKeyEnvVarAndValue() {
        assertRefused("github.cache.ttl", "abc", "GITHUB_CACHE_TTL");
    }

    @Test
    void badSizeNamesKeyEnvVarAndValue() {
        assertRefused("github.cache.max-memory", "lots", "GITHUB_CACHE_MAX_MEMORY");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x", "not a url", "api.github.com", "https://", "https://api.github.com/?x=1"})
    void badUpstreamUrlNamesKeyEnvVarAndValue(String value) {
        assertRefused("github.cache.upstream-url", value, "GITHUB_CACHE_UPSTREAM_URL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "70000", "x", "-1", "65536"})
    void badPortNamesKeyEnvVarAndValue(String value) {
        assertRefused("github.cache.port", value, "GITHUB_CACHE_PORT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "65535"})
    void portBoundsAreAccepted(String value) {
        assertThat(with("github.cache.port", value).port()).isEqualTo(Integer.parseInt(value));
    }

    @Test
    void bodyLimitsOf2GBOrMoreAreRefusedQuotingTheValueAsGiven() {
        assertRefused("github.cache.max-response-size", "2GB", "GITHUB_CACHE_MAX_RESPONSE_SIZE");
        assertRefused("github.cache.max-request-body", "3GB", "GITHUB_CACHE_MAX_REQUEST_BODY");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "1023B"})
    void aResponseLimitThatRefusesEveryBodyIsRefused(String value) {
        assertRefused("github.cache.max-response-size", value, "GITHUB_CACHE_MAX_RESPONSE_SIZE");
        assertThat(with("github.cache.max-response-size", "1KB").maxResponseSize()).isEqualTo(1024);
    }

    @Test
    void theShippedDefaultsWarnOfNothing() {
        assertThat(load(defaults()).warnings(true)).isEmpty();
        // max-disk does not matter with store=redis
        assertThat(with("github.cache.max-disk", "10").warnings(false)).isEmpty();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "github.cache.ttl, 0, GITHUB_CACHE_TTL, 200 and 302 responses are not cached",
        "github.cache.ttl-404, 0s, GITHUB_CACHE_TTL_404, 404 responses are not cached",
        "github.cache.max-memory, 0, GITHUB_CACHE_MAX_MEMORY, no memory tier",
        "github.cache.max-entry-size, 0, GITHUB_CACHE_MAX_ENTRY_SIZE, no response with a body is cached",
        "github.cache.max-disk, 10, GITHUB_CACHE_MAX_DISK, a size without a unit is bytes",
        "github.cache.max-disk, 1023KB, GITHUB_CACHE_MAX_DISK, keeps few or no entries",
        "github.cache.lock-age, 0, GITHUB_CACHE_LOCK_AGE, no collapsing",
        "github.cache.lock-timeout, 0ms, GITHUB_CACHE_LOCK_TIMEOUT, no request waits for another's fetch",
        "github.cache.stale-if-error, 0, GITHUB_CACHE_STALE_IF_ERROR, never served when the upstream fails",
        "github.cache.respect-rate-limit, 0, GITHUB_CACHE_RESPECT_RATE_LIMIT, still go to GitHub",
        "github.cache.respect-rate-limit, false, GITHUB_CACHE_RESPECT_RATE_LIMIT, still go to GitHub"})
    void aValueThatSwitchesSomethingOffIsNamedInOneWarning(String key, String value, String env, String effect) {
        assertThat(with(key, value).warnings(true)).singleElement().asString()
                .contains(key, env, effect);
    }

    @ParameterizedTest(name = "{0}=0")
    @CsvSource({
        "github.cache.upstream-timeout, GITHUB_CACHE_UPSTREAM_TIMEOUT",
        "github.cache.inactive, GITHUB_CACHE_INACTIVE",
        "github.cache.client-idle-timeout, GITHUB_CACHE_CLIENT_IDLE_TIMEOUT"})
    void zeroIsRefusedWhereItWouldSwitchOffNothingUseful(String key, String env) {
        assertRefused(key, "0", env);
    }

    @Test
    void badBooleanIsRefused() {
        assertRefused("github.cache.respect-rate-limit", "maybe", "GITHUB_CACHE_RESPECT_RATE_LIMIT");
    }

    @Test
    void badBaseUrlIsRefused() {
        assertRefused("github.cache.base-url", "cache.example.test", "GITHUB_CACHE_BASE_URL");
    }

    @Test
    void missingValueIsRefusedByName() {
        Map<String, String> m = defaults();
        m.remove("github.cache.lock-timeout");

        assertThatThrownBy(() -> load(m))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("github.cache.lock-timeout")
                .hasMessageContaining("GITHUB_CACHE_LOCK_TIMEOUT");
    }

    @Test
    void blankValueIsRefusedByName() {
        assertThatThrownBy(() -> with("github.cache.ttl", "  "))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("github.cache.ttl")
                .hasMessageContaining("GITHUB_CACHE_TTL");
    }

    private static void assertRefused(String key, String value, String env) {
        assertThatThrownBy(() -> with(key, value))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(env)
                .hasMessageContaining("'" + value + "'")
                .hasMessageNotContaining("\n");
    }

    @Test
    void diskSettingsAreReadWithTheirUnits() {
        Settings s = with("github.cache.max-disk", "2GB");
        assertThat(s.maxDisk()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(s.inactive()).isEqualTo(java.time.Duration.ofDays(365));
        assertThat(s.cacheDir()).isEqualTo(java.nio.file.Path.of("./cache"));
    }

    @Test
    void zeroInactiveIsRefusedNamingTheSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> with("github.cache.inactive", "0"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("github.cache.inactive").hasMessageContaining("GITHUB_CACHE_INACTIVE");
    }
}
