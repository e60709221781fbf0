package io.githubcache.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidateAfterWriteTest {

    private static final String GITHUB = "https://api.github.com";
    private static final String GHE = "https://ghe.example/api/v3";

    @Test
    void absoluteLocationOnTheSameHost() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "https://api.github.com/repos/o/r/issues/42"))
                .isEqualTo("/repos/o/r/issues/42");
    }

    @Test
    void queryIsDroppedAndPathStaysRaw() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB,
                "https://api.github.com/repos/o/r/contents/a%2Fb?ref=main")).isEqualTo("/repos/o/r/contents/a%2Fb");
    }

    @Test
    void hostAndSchemeCompareCaseInsensitively() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "HTTPS://API.GitHub.com/repos/o/r"))
                .isEqualTo("/repos/o/r");
    }

    @Test
    void relativeLocation() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "/repos/o/r/issues/42"))
                .isEqualTo("/repos/o/r/issues/42");
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "  /repos/o/r  ")).isEqualTo("/repos/o/r");
    }

    @Test
    void bareHostIsRoot() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "https://api.github.com")).isEqualTo("/");
    }

    @Test
    void otherHostIsNull() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "https://github.com/o/r/issues/42")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "https://uploads.github.com/x")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "https://api.github.com.evil.example/x")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "//evil.example/repos/o/r")).isNull();
    }

    @Test
    void otherSchemeOrPortIsNull() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "http://api.github.com/repos/o/r")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "https://api.github.com:8443/repos/o/r")).isNull();
    }

    @Test
    void missingOrUnparsableIsNull() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, null)).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "   ")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "https://api.github.com/a b")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GITHUB, "https://api.github.com/%zz")).isNull();
    }

    @Test
    void upstreamWithPathPrefixStripsIt() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GHE, "https://ghe.example/api/v3/repos/o/r/issues/7"))
                .isEqualTo("/repos/o/r/issues/7");
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GHE, "/api/v3/repos/o/r")).isEqualTo("/repos/o/r");
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GHE, "https://ghe.example/api/v3")).isEqualTo("/");
    }

    @Test
    void upstreamWithPathPrefixRefusesPathsOutsideIt() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GHE, "https://ghe.example/o/r")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GHE, "/repos/o/r")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GHE, "https://other.example/api/v3/repos/o/r")).isNull();
    }

    @Test
    void upstreamPathPrefixMustEndAtASegmentBoundary() {
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GHE, "https://ghe.example/api/v30/x")).isNull();
        assertThat(InvalidateAfterWrite.sameUpstreamPath(GHE, "https://ghe.example/api/v3x")).isNull();
    }
}
