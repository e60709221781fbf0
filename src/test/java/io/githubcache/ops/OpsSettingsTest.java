package io.githubcache.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.githubcache.config.InvalidSettingException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpsSettingsTest {

    private static OpsSettings load(Map<String, String> values, int proxyPort) {
        return OpsSettings.load(key -> Optional.ofNullable(values.get(key)), proxyPort);
    }

    @Test
    void readsTheShutdownTimeoutAsADuration() {
        assertThat(load(Map.of("github.cache.shutdown-timeout", "1500ms"), 3000).shutdownTimeout())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(load(Map.of("github.cache.shutdown-timeout", "45"), 3000).shutdownTimeout())
                .isEqualTo(Duration.ofSeconds(45));
        assertThat(load(Map.of(), 3000).shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void refusesABadOrZeroShutdownTimeout() {
        assertThatThrownBy(() -> load(Map.of("github.cache.shutdown-timeout", "soon"), 3000))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("github.cache.shutdown-timeout").hasMessageContaining("soon");
        assertThatThrownBy(() -> load(Map.of("github.cache.shutdown-timeout", "0s"), 3000))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("greater than 0");
    }

    @Test
    void checksTheManagementPortOnlyWhenEnabled() throws Exception {
        int free = io.githubcache.support.ProxyHarness.freePort();
        assertThat(load(Map.of("camel.management.enabled", "true", "camel.management.port", Integer.toString(free)),
                3000).managementPort()).isEqualTo(free);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            String busy = Integer.toString(taken.getLocalPort());
            assertThatThrownBy(() -> load(Map.of("camel.management.enabled", "true", "camel.management.port", busy),
                    3000)).isInstanceOf(InvalidSettingException.class).hasMessageContaining("already in use");
        }
        assertThat(load(Map.of("camel.management.port", "3000"), 3000).managementEnabled()).isFalse();
        assertThatThrownBy(() -> load(Map.of("camel.management.enabled", "true", "camel.management.port", "3000"),
                3000)).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("CAMEL_MANAGEMENT_PORT").hasMessageContaining("must differ");
        assertThatThrownBy(() -> load(Map.of("camel.management.enabled", "true", "camel.management.port", "x"), 3000))
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> load(Map.of("camel.management.enabled", "true", "camel.management.port", "70000"),
                3000)).isInstanceOf(InvalidSettingException.class);
    }
}
