package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderListTest {

    private static HeaderList headers(String... nameValues) {
        List<Header> lines = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            lines.add(new Header(nameValues[i], nameValues[i + 1]));
        }
        return HeaderList.of(lines);
    }

    private static final HeaderList GITHUB = headers(
            "Content-Type", "application/json",
            "Vary", "Accept, Authorization, Cookie",
            "ETag", "W/\"1\"",
            "vary", "Accept-Encoding, Accept",
            "Content-Length", "10");

    @Test
    void allReturnsEveryLineInOrderCaseInsensitively() {
        assertThat(GITHUB.all("VARY")).containsExactly("Accept, Authorization, Cookie", "Accept-Encoding, Accept");
        assertThat(GITHUB.all("x-missing")).isEmpty();
    }

    @Test
    void joinedIsEveryLineJoinedWithACommaOrNullWhenAbsent() {
        assertThat(GITHUB.joined("VARY")).isEqualTo("Accept, Authorization, Cookie, Accept-Encoding, Accept");
        assertThat(GITHUB.joined("etag")).isEqualTo("W/\"1\"");
        assertThat(GITHUB.joined("x-missing")).isNull();
        assertThat(headers("A", "", "a", "x").joined("a")).isEqualTo(String.join(", ", headers("A", "", "a", "x").all("a")));
    }

    @Test
    void firstIsCaseInsensitiveAndNullWhenAbsent() {
        assertThat(GITHUB.first("vary")).isEqualTo("Accept, Authorization, Cookie");
        assertThat(GITHUB.first("etag")).isEqualTo("W/\"1\"");
        assertThat(GITHUB.first("Link")).isNull();
        assertThat(GITHUB.contains("content-type")).isTrue();
        assertThat(GITHUB.contains("link")).isFalse();
    }

    @Test
    void linesKeepNameCaseAndOrder() {
        assertThat(GITHUB.lines()).extracting(Header::name)
                .containsExactly("Content-Type", "Vary", "ETag", "vary", "Content-Length");
    }

    @Test
    void ofCopiesAndIsImmutable() {
        List<Header> source = new ArrayList<>(List.of(new Header("A", "1")));
        HeaderList h = HeaderList.of(source);

        source.add(new Header("B", "2"));

        assertThat(h.lines()).hasSize(1);
        assertThatThrownBy(() -> h.lines().add(new Header("C", "3"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withoutRemovesAllLinesOfTheNamesCaseInsensitively() {
        HeaderList h = GITHUB.without(List.of("VARY", "content-length"));

        assertThat(h.lines()).containsExactly(new Header("Content-Type", "application/json"), new Header("ETag", "W/\"1\""));
        assertThat(GITHUB.lines()).hasSize(5);
    }

    @Test
    void updatedWithReplacesAllLinesOfANameAndKeepsTheSkipList() {
        HeaderList fresh = headers(
                "etag", "W/\"2\"",
                "Vary", "Accept",
                "Content-Length", "0",
                "Date", "Thu, 22 Oct 2026 00:00:00 GMT");

        HeaderList updated = GITHUB.updatedWith(fresh, List.of("content-length"));

        assertThat(updated.lines()).containsExactly(
                new Header("Content-Type", "application/json"),
                new Header("Content-Length", "10"),
                new Header("etag", "W/\"2\""),
                new Header("Vary", "Accept"),
                new Header("Date", "Thu, 22 Oct 2026 00:00:00 GMT"));
        assertThat(updated.all("vary")).containsExactly("Accept");
    }

    @Test
    void updatedWithKeepsRepeatedFreshLines() {
        HeaderList fresh = headers("Vary", "Accept", "Vary", "Cookie");

        assertThat(GITHUB.updatedWith(fresh, List.of()).all("Vary")).containsExactly("Accept", "Cookie");
    }

    @Test
    void updatedWithEmptyFreshChangesNothing() {
        assertThat(GITHUB.updatedWith(HeaderList.empty(), List.of("etag")).lines()).isEqualTo(GITHUB.lines());
    }

    @Test
    void mapValuesChangesOnlyTheNamedHeader() {
        HeaderList h = GITHUB.mapValues("VARY", v -> v.toUpperCase());

        assertThat(h.all("vary")).containsExactly("ACCEPT, AUTHORIZATION, COOKIE", "ACCEPT-ENCODING, ACCEPT");
        assertThat(h.first("Content-Type")).isEqualTo("application/json");
        assertThat(h.lines()).extracting(Header::name)
                .containsExactly("Content-Type", "Vary", "ETag", "vary", "Content-Length");
    }

    @Test
    void withReplacesAllLinesAndAppends() {
        HeaderList h = GITHUB.with("Vary", "Cookie");

        assertThat(h.all("vary")).containsExactly("Cookie");
        assertThat(h.lines().get(h.lines().size() - 1)).isEqualTo(new Header("Vary", "Cookie"));
        assertThat(h.lines()).hasSize(4);
    }

    @Test
    void withAddsANewHeader() {
        HeaderList h = HeaderList.empty().with("X-Github-Cache-Status", "HIT");

        assertThat(h.first("x-github-cache-status")).isEqualTo("HIT");
        assertThat(HeaderList.empty().lines()).isEmpty();
    }

    @Test
    void byteSizeCountsNamesValuesAndSeparators() {
        assertThat(headers("ETag", "\"x\"").byteSize()).isEqualTo(4 + 3 + 4);
        assertThat(HeaderList.empty().byteSize()).isZero();
    }

    @Test
    void indexedAccessAndBuilderKeepOrderAndRepeats() {
        HeaderList built = HeaderList.builder(1).add("Vary", "Accept").add("ETag", "\"1\"").add("vary", "Cookie").build();

        assertThat(built.size()).isEqualTo(3);
        assertThat(built.name(2)).isEqualTo("vary");
        assertThat(built.value(0)).isEqualTo("Accept");
        assertThat(built).isEqualTo(headers("Vary", "Accept", "ETag", "\"1\"", "vary", "Cookie"));
        assertThat(built).isNotEqualTo(headers("Vary", "Accept", "ETag", "\"1\""));
        assertThat(HeaderList.builder(4).build()).isSameAs(HeaderList.empty());
    }

    @Test
    void sharedFormUsesOneInstancePerNameAndCommonValueButKeepsOwnValues() {
        HeaderList a = headers(new String("Content-Type"), new String("application/json; charset=utf-8"),
                "ETag", new String("\"same-text\"")).shared();
        HeaderList b = headers(new String("Content-Type"), new String("application/json; charset=utf-8"),
                "ETag", new String("\"same-text\"")).shared();

        assertThat(a).isEqualTo(b);
        assertThat(a.name(0)).isSameAs(b.name(0));
        assertThat(a.value(0)).isSameAs(b.value(0));
        // an ETag is an entry's own: sharing it would only fill the table
        assertThat(a.value(1)).isNotSameAs(b.value(1));
        assertThat(a.heapBytes()).isLessThan(headers("Content-Type", "application/json; charset=utf-8",
                "X-Own", "application/json; charset=utf-8", "ETag", "\"same-text\"").heapBytes());
    }

    @Test
    void aSharedListIsNotSharedAgainButItsChangedCopiesAre() {
        HeaderList once = headers(new String("Content-Type"), "application/json").shared();

        assertThat(once.shared()).isSameAs(once);
        HeaderList changed = once.with(new String("Vary"), new String("Accept"));
        assertThat(changed.shared()).isNotSameAs(changed).isEqualTo(changed);
        assertThat(changed.shared().name(1)).isSameAs(once.with("Vary", "x").shared().name(1));
    }
}
