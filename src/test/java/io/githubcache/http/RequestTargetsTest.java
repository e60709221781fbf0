package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "/",
        "/repos/o/r",
        "/repos/o/r/contents/dir%2Ffile.txt",
        "/repos/o/r/contents/a%2fb",
        "/search/code?q=foo+bar&per_page=100",
        "/search/issues?q=label%3Abug%20is%3Aopen",
        "/x?check=%E2%9C%93",
        "/a;b=c/~d_e-f.g!$&'()*+,=:@",
        "/ends-with-escape%41",
        "/repos/o/r/contents/.github",
        "/repos/o/r/contents/.github/workflows/ci.yml",
        "/repos/o/r/contents/...",
        "/repos/o/r/contents/..../x",
        "/repos/o/r/contents/.%2e.",
        "/repos/o/r/contents/a..b",
        "/repos/o/r/contents/..a",
        "/repos/o/r/contents/.a.",
        "/repos/o/r/contents/%2e%2e%2e",
        "/repos/o/r/contents/%2e%2egit",
        "/repos/o/r/contents/..%2F..",
        "/repos/o/r/contents/%2F..%2F",
        "/repos/o/r/compare/main...feature",
        "/repos/o/r/contents/x?path=../..",
        "/search/code?q=./x&ref=.",
        "/x?..",
        "/x?/../"
    })
    void goodTargetsHaveNoProblem(String target) {
        assertThat(RequestTargets.problem(target)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "/a%", "/a%2", "/a%zz", "/a%2z", "/a%z2", "/a%%20", "/a?q=%G0", "/a%2/b"})
    void badPercentEncodingsAreRefused(String target) {
        assertThat(RequestTargets.problem(target)).isEqualTo("invalid percent-encoding in the request target");
    }

    static Stream<Arguments> controlSpaceAndNonAscii() {
        return Stream.of(
                Arguments.of("/a b", "space"),
                Arguments.of("/a\tb", "tab"),
                Arguments.of("/a\u0001b", "control char"),
                Arguments.of("/a\u0000", "NUL"),
                Arguments.of("/a\rb", "CR"),
                Arguments.of("/a\nb", "LF"),
                Arguments.of("/a\u007fb", "DEL"),
                Arguments.of("/caf\u00e9", "non-ASCII Latin-1"),
                Arguments.of("/\u2713", "non-ASCII BMP"),
                Arguments.of("/?q= x", "space in query"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("controlSpaceAndNonAscii")
    void controlSpaceAndNonAsciiAreRefused(String target, String what) {
        assertThat(RequestTargets.problem(target)).as(what)
                .isEqualTo("the request target contains a control, space or non-ASCII character");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/..", "/.", "/../../admin/secret", "/x/../rate_limit", "/x/./y", "/x/.", "/x/..", "/x/../",
        "/x/.?q=1", "/x/..?q=1", "/./", "/x//..", "/%2e%2e/admin", "/%2E%2E/admin", "/%2e/x", "/%2E",
        "/.%2e/x", "/%2e./x", "/.%2E", "/x/%2e%2E?q", "/api/v3/../../admin"
    })
    void dotSegmentsAreRefusedRawOrPercentEncodedInAnyPosition(String target) {
        assertThat(RequestTargets.problem(target)).isEqualTo(RequestTargets.DOT_SEGMENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a#frag", "/a?b=c#d", "#"})
    void fragmentIsRefused(String target) {
        assertThat(RequestTargets.problem(target)).isEqualTo("the request target must not contain a fragment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\\b", "\\", "/repos/o/r?path=a\\b"})
    void backslashIsRefused(String target) {
        assertThat(RequestTargets.problem(target)).isEqualTo("the request target contains a backslash");
    }
}
