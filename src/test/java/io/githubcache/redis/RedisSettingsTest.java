package io.githubcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.githubcache.config.InvalidSettingException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    private static RedisSettings load(Map<String, String> m) {
        return RedisSettings.load(k -> Optional.ofNullable(m.get(k)));
    }

    @Test
    void diskIsTheDefaultAndNeedsNoRedisUrl() {
        RedisSettings s = load(Map.of());
        assertThat(s.enabled()).isFalse();
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void redisWithUrlAndTimeout() {
        RedisSettings s = load(Map.of("github.cache.store", "redis", "github.cache.redis-url",
                "rediss://user:pw@redis.internal:6380/2", "github.cache.redis-timeout", "50ms"));
        assertThat(s.enabled()).isTrue();
        assertThat(s.url()).isEqualTo("rediss://user:pw@redis.internal:6380/2");
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.password()).isNull();
        assertThat(s.toString()).doesNotContain("pw");
        assertThat(load(Map.of("github.cache.redis-password", "s3cret")).password()).isEqualTo("s3cret");
    }

    @Test
    void badValuesNameTheSettingAndNeverShowThePassword() {
        assertThatThrownBy(() -> load(Map.of("github.cache.store", "memcached")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("github.cache.store");
        assertThatThrownBy(() -> load(Map.of("github.cache.store", "redis", "github.cache.redis-url",
                "http://user:secretpw@host:6379")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("github.cache.redis-url")
                .hasMessageNotContaining("secretpw");
        assertThatThrownBy(() -> load(Map.of("github.cache.redis-timeout", "0")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("github.cache.redis-timeout");
    }

    @Test
    void aUrlTheRedisClientCannotParseIsOneLineNamingTheSetting() {
        for (String url : new String[] {"redis://127.0.0.1:22379/abc", "redis://127.0.0.1:99999/0",
                "redis://user:pw-77@127.0.0.1:22379/abc", "redis://:pw-77@127.0.0.1:99999/0"}) {
            assertThatThrownBy(() -> load(Map.of("github.cache.store", "redis", "github.cache.redis-url", url)))
                    .as(url).isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("github.cache.redis-url").hasMessageContaining("GITHUB_CACHE_REDIS_URL")
                    .hasMessageContaining("not a valid Redis URL").hasMessageNotContaining("pw-77")
                    .hasNoCause();
        }
    }
}
