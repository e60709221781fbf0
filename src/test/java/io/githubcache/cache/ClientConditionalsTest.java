package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientConditionalsTest {

    private static final String LM = "Wed, 21 Oct 2026 07:28:00 GMT";

    private static HeaderList headers(String... nameValues) {
        List<Header> lines = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            lines.add(new Header(nameValues[i], nameValues[i + 1]));
        }
        return HeaderList.of(lines);
    }

    private static boolean inm(String ifNoneMatch, String etag) {
        return ClientConditionals.notModified(headers("If-None-Match", ifNoneMatch), headers("ETag", etag));
    }

    private static boolean ims(String ifModifiedSince, String lastModified) {
        return ClientConditionals.notModified(headers("If-Modified-Since", ifModifiedSince),
                headers("Last-Modified", lastModified));
    }

    @Test
    void ifNoneMatchExactStrongMatch() {
        assertThat(inm("\"abc\"", "\"abc\"")).isTrue();
    }

    @Test
    void ifNoneMatchWeakComparisonIgnoresWPrefixOnEitherSide() {
        assertThat(inm("W/\"abc\"", "\"abc\"")).isTrue();
        assertThat(inm("\"abc\"", "W/\"abc\"")).isTrue();
        assertThat(inm("W/\"abc\"", "W/\"abc\"")).isTrue();
    }

    @Test
    void ifNoneMatchListMatchesAnyMember() {
        assertThat(inm("\"x\", \"y\" ,W/\"abc\"", "\"abc\"")).isTrue();
        assertThat(inm("\"x\",\"y\"", "\"abc\"")).isFalse();
    }

    @Test
    void ifNoneMatchRepeatedLinesAreCombined() {
        HeaderList request = headers("If-None-Match", "\"x\"", "if-none-match", "\"abc\"");

        assertThat(ClientConditionals.notModified(request, headers("ETag", "\"abc\""))).isTrue();
    }

    @Test
    void ifNoneMatchStarMatchesAnyEtag() {
        assertThat(inm("*", "\"whatever\"")).isTrue();
    }

    @Test
    void ifNoneMatchWithoutMatchIsFalse() {
        assertThat(inm("\"abd\"", "\"abc\"")).isFalse();
        assertThat(inm("\"ABC\"", "\"abc\"")).isFalse();
        assertThat(inm("\"abc\"", "\"abc-gzip\"")).isFalse();
    }

    @Test
    void ifNoneMatchWithoutStoredEtagIsFalse() {
        HeaderList request = headers("If-None-Match", "*");

        assertThat(ClientConditionals.notModified(request, headers("Last-Modified", LM))).isFalse();
    }

    @Test
    void ifNoneMatchEmptyMembersDoNotMatch() {
        assertThat(inm(" , ,", "\"abc\"")).isFalse();
    }

    @Test
    void ifNoneMatchEtagWithCommaInsideQuotes() {
        assertThat(inm("\"a,b\"", "\"a,b\"")).isTrue();
    }

    @Test
    void ifModifiedSinceEqualToLastModifiedIsNotModified() {
        assertThat(ims(LM, LM)).isTrue();
    }

    @Test
    void ifModifiedSinceLaterThanLastModifiedIsNotModified() {
        assertThat(ims("Thu, 22 Oct 2026 07:28:00 GMT", LM)).isTrue();
        assertThat(ims("Wed, 21 Oct 2026 07:28:01 GMT", LM)).isTrue();
    }

    @Test
    void ifModifiedSinceEarlierThanLastModifiedIsModified() {
        assertThat(ims("Wed, 21 Oct 2026 07:27:59 GMT", LM)).isFalse();
        assertThat(ims("Tue, 20 Oct 2026 07:28:00 GMT", LM)).isFalse();
    }

    @Test
    void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() {
        HeaderList response = headers("ETag", "\"abc\"", "Last-Modified", LM);

        // INM does not match: 304 must not come from a matching IMS
        assertThat(ClientConditionals.notModified(
                headers("If-None-Match", "\"other\"", "If-Modified-Since", LM), response)).isFalse();
        // INM matches: 304 even though IMS alone would say modified
        assertThat(ClientConditionals.notModified(
                headers("If-None-Match", "\"abc\"", "If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"), response))
                .isTrue();
    }

    @Test
    void badDatesAreIgnored() {
        assertThat(ims("not a date", LM)).isFalse();
        assertThat(ims(LM, "garbage")).isFalse();
        assertThat(ims("2026-10-21T07:28:00Z", LM)).isFalse();
        assertThat(ims("", LM)).isFalse();
    }

    @Test
    void missingHeadersGiveFalse() {
        assertThat(ClientConditionals.notModified(HeaderList.empty(), headers("ETag", "\"a\"", "Last-Modified", LM)))
                .isFalse();
        assertThat(ClientConditionals.notModified(headers("If-Modified-Since", LM), HeaderList.empty())).isFalse();
        assertThat(ClientConditionals.notModified(headers("If-None-Match", "\"a\""), HeaderList.empty())).isFalse();
    }

    @Test
    void weakMatchDirectly() {
        assertThat(ClientConditionals.weakMatch("W/\"1\", \"2\"", "\"2\"")).isTrue();
        assertThat(ClientConditionals.weakMatch("W/\"1\"", "W/\"2\"")).isFalse();
    }
}
