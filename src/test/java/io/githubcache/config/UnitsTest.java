package io.githubcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
        "500ms, 500",
        "30s, 30000",
        "1m, 60000",
        "1h, 3600000",
        "1d, 86400000",
        "2, 2000",
        "0, 0",
        "' 30s ', 30000",
        "30S, 30000",
    })
    void parsesDurations(String text, long millis) {
        assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({
        "512KB, 524288",
        "256MB, 268435456",
        "1GB, 1073741824",
        "16KB, 16384",
        "100, 100",
        "8mb, 8388608",
    })
    void parsesBinarySizes(String text, long bytes) {
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "1x", "-5s", "1.5s", "s", "10 minutes"})
    void refusesBadDurations(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "1.5GB", "-1KB", "12XB"})
    void refusesBadSizes(String text) {
        assertThatThrownBy(() -> Units.parseSize(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "9999999999999999999y"})
    void refusesOverflowingDurations(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999", "99999999999TB"})
    void refusesOverflowingSizes(String text) {
        assertThatThrownBy(() -> Units.parseSize(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} ms prints as {1}")
    @CsvSource({
        "500, 500ms",
        "30000, 30s",
        "60000, 1m",
        "3600000, 1h",
        "86400000, 1d",
        "0, 0s",
        "90000, 90s",
    })
    void formatsDurationsTheWayOperatorsWriteThem(long millis, String text) {
        assertThat(Units.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0} bytes prints as {1}")
    @CsvSource({
        "524288, 512KB",
        "268435456, 256MB",
        "1073741824, 1GB",
        "1000, 1000B",
    })
    void formatsSizesWithTheLargestExactUnit(long bytes, String text) {
        assertThat(Units.formatSize(bytes)).isEqualTo(text);
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
    }
}
