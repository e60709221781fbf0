package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

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
    void wholeAnswersAnswerAFill(int status) {
        assertThat(CacheFill.isAnswer(status)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {206})
    void aPartialBodyDoesNotAnswerAFillThatAskedForNoRange(int status) {
        assertThat(CacheFill.isAnswer(status)).isFalse();
    }
}
