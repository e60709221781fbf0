package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CacheKeyTest {

    private static CacheKey key(String upstream, String partition, String accept, String version, String target) {
        return new CacheKey(upstream, partition, accept, version, target);
    }

    @Test
    void keysWithEqualPartsAreEqualAndHashAlike() {
        CacheKey a = key("https://api.github.com", "anonymous", "application/json", "2022-11-28", "/repos/o/r");
        CacheKey b = key("https://api.github.com", "anonymous", "application/json", "2022-11-28", "/repos/o/r");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.asString()).isEqualTo(b.asString());
    }

    @Test
    void anyDifferingPartMakesAnotherKey() {
        CacheKey base = key("u", "p", "a", "v", "/t");

        assertThat(base).isNotEqualTo(key("u2", "p", "a", "v", "/t"))
                .isNotEqualTo(key("u", "p2", "a", "v", "/t"))
                .isNotEqualTo(key("u", "p", "a2", "v", "/t"))
                .isNotEqualTo(key("u", "p", "a", "v2", "/t"))
                .isNotEqualTo(key("u", "p", "a", "v", "/t2"))
                .isNotEqualTo("u\np\na\nv\n/t");
    }

    @Test
    void theStringFormIsBuiltOnceAndStartsWithThePartitionPrefix() {
        CacheKey k = key("u", "p", "a", "", "/t?x=1");

        String first = k.asString();

        assertThat(k.asString()).isSameAs(first);
        assertThat(first).isEqualTo("u\np\na\n\n/t?x=1").startsWith(k.partitionPrefix());
        assertThat(k.path()).isEqualTo("/t");
    }

    @Test
    void everyPartIsRequired() {
        assertThatThrownBy(() -> key("u", "p", null, "", "/t")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("accept");
    }
}
