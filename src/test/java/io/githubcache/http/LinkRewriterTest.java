package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinkRewriterTest {

    private final LinkRewriter rewriter = new LinkRewriter("https://api.github.com", "http://cache.internal:8080");

    @Test
    void rewritesEveryOccurrence() {
        String link = "<https://api.github.com/repositories/1/issues?page=2>; rel=\"next\", "
                + "<https://api.github.com/repositories/1/issues?page=5>; rel=\"last\", "
                + "<https://api.github.com/repositories/1/issues?page=1>; rel=\"first\", "
                + "<https://api.github.com/repositories/1/issues?page=1>; rel=\"prev\"";

        String out = rewriter.rewrite(link);

        assertThat(out).isEqualTo("<http://cache.internal:8080/repositories/1/issues?page=2>; rel=\"next\", "
                + "<http://cache.internal:8080/repositories/1/issues?page=5>; rel=\"last\", "
                + "<http://cache.internal:8080/repositories/1/issues?page=1>; rel=\"first\", "
                + "<http://cache.internal:8080/repositories/1/issues?page=1>; rel=\"prev\"");
        assertThat(out).doesNotContain("api.github.com");
    }

    @Test
    void valueWithoutUpstreamIsReturnedUnchanged() {
        String link = "</relative?page=2>; rel=\"next\"";

        assertThat(rewriter.rewrite(link)).isSameAs(link);
        assertThat(rewriter.rewrite(null)).isNull();
        assertThat(rewriter.rewrite("")).isEmpty();
    }

    @Test
    void otherHostsAreUntouched() {
        String link = "<https://uploads.github.com/repos/o/r/releases/1/assets?name=a>; rel=\"upload\", "
                + "<https://api.github.com/repos/o/r/releases?page=2>; rel=\"next\", "
                + "<https://github.com/o/r>; rel=\"html\"";

        assertThat(rewriter.rewrite(link)).isEqualTo(
                "<https://uploads.github.com/repos/o/r/releases/1/assets?name=a>; rel=\"upload\", "
                        + "<http://cache.internal:8080/repos/o/r/releases?page=2>; rel=\"next\", "
                        + "<https://github.com/o/r>; rel=\"html\"");
    }

    @Test
    void otherSchemeIsUntouched() {
        String link = "<http://api.github.com/x?page=2>; rel=\"next\"";

        assertThat(rewriter.rewrite(link)).isEqualTo(link);
    }

    @Test
    void upstreamWithPathPrefixIsRewrittenWithItsPath() {
        LinkRewriter ghe = new LinkRewriter("https://ghe.example/api/v3", "https://cache.example");

        assertThat(ghe.rewrite("<https://ghe.example/api/v3/repos/o/r/issues?page=2>; rel=\"next\""))
                .isEqualTo("<https://cache.example/repos/o/r/issues?page=2>; rel=\"next\"");
    }

    @Test
    void emptyUpstreamBaseRewritesNothing() {
        LinkRewriter none = new LinkRewriter("", "http://cache");
        String link = "<https://api.github.com/x>; rel=\"next\"";

        assertThat(none.rewrite(link)).isEqualTo(link);
    }

    @Test
    void hostThatSharesThePrefixIsUntouched() {
        String link = "<https://api.github.com.evil.example/x?page=2>; rel=\"next\"";

        assertThat(rewriter.rewrite(link)).isEqualTo(link);
    }
}
