package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PendingChunkLineTest {

    private static boolean cannotBeValid(String latin1) {
        return PendingChunkLine.cannotBeValid(Unpooled.wrappedBuffer(latin1.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "0", "abc", "ABC", "1f\r", "1f ", "1f\t;", "1f;name", "1f;name=value", "1f ; name = \"quoted \u00ff\"",
        "1f;a=b;c", "X-Trailer", "X-Trailer:", "X-Trailer: v\u00e9", "Digest: sha-256=abc", "0\r\n\u0000"
    })
    void theStartOfAChunkSizeOrTrailerLineMayGoOn(String line) {
        assertThat(cannotBeValid(line)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "abc\u0000", "abc\u0000\u00ff\u0000\u00ff", "abc\u00ff", "\u00ff", "\u0000", "a\u0001", "1f\u007f", "1f\rx",
        "1f\r\r", "1f;ext\u0000", "X-Trailer: v\u0000", "1f\u000b", "1f(", "1f\"x\"", "1f/"
    })
    void aByteThatFitsNeitherRefusesTheLineAtOnce(String line) {
        assertThat(cannotBeValid(line)).isTrue();
    }
}
