package io.githubcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GithubCacheMainTest {

    private static final long MB = 1024 * 1024;

    @Test
    void heapOfAtLeastTwiceTheMemoryTierIsFine() {
        assertThat(GithubCacheMain.heapWarning(256 * MB, 768 * MB)).isNull();
        assertThat(GithubCacheMain.heapWarning(256 * MB, 512 * MB)).isNull();
    }

    @Test
    void smallerHeapIsNamedWithTheSettingToChange() {
        assertThat(GithubCacheMain.heapWarning(256 * MB, 300 * MB))
                .contains("github.cache.max-memory", "GITHUB_CACHE_MAX_MEMORY", "-Xmx");
    }
}
