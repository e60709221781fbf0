package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheFillTest {

    @ParameterizedTest
    @ValueSource(strings = {"Range", "range", "RANGE", "If-Range", "if-range", "If-None-Match", "If-Modified-Since",
        "If-Match", "If-Unmodified-Since", "Accept-Encoding", "accept-encoding"})
    void aFillAsksForTheCompleteResourceWithoutTheClientsRangeOrPreconditions(String name) {
        assertThat(CacheFill.forwards(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "Accept", "X-GitHub-Api-Version", "User-Agent", "Cookie", "Pragma",
        "Ranges", "X-Range", "Content-Range"})
    void otherLinesAreForwarded(String name) {
        assertThat(CacheFill.forwards(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 302, 304, 404, 403, 500})
    void wholeAnswersInGzipOrIdentityAnswerAFill(int status) {
        assertThat(CacheFill.isAnswer(status, HeaderList.empty())).isTrue();
        assertThat(CacheFill.isAnswer(status, coded("gzip"))).isTrue();
        assertThat(CacheFill.isAnswer(status, coded("x-gzip"))).isTrue();
        assertThat(CacheFill.isAnswer(status, coded("identity"))).isTrue();
    }

    @Test
    void aPartialBodyDoesNotAnswerAFillThatAskedForNoRange() {
        assertThat(CacheFill.isAnswer(206, HeaderList.empty())).isFalse();
        assertThat(CacheFill.isAnswer(206, coded("gzip"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"br", "deflate", "zstd", "compress", "gzip, br"})
    void aBodyInACodingTheFillDidNotAskForDoesNotAnswerIt(String coding) {
        assertThat(CacheFill.isAnswer(200, coded(coding))).isFalse();
        assertThat(CacheFill.isAnswer(404, coded(coding))).isFalse();
        assertThat(CacheFill.isAnswer(500, coded(coding))).isFalse();
    }

    @Test
    void aNotModifiedHasNoBodySoItsCodingDoesNotMatter() {
        assertThat(CacheFill.isAnswer(304, coded("br"))).isTrue();
    }

    private static HeaderList coded(String coding) {
        return HeaderList.of(List.of(new Header("Content-Encoding", coding)));
    }
}
