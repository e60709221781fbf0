package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderNameSetTest {

    @Test
    void namesMatchIgnoringAsciiCase() {
        HeaderNameSet set = HeaderNameSet.of("Content-Length", "ETag", "x-ratelimit-reset");

        assertThat(set.contains("content-length")).isTrue();
        assertThat(set.contains("CONTENT-LENGTH")).isTrue();
        assertThat(set.contains("etag")).isTrue();
        assertThat(set.contains("X-RateLimit-Reset")).isTrue();
        assertThat(set.contains("Content-Lengths")).isFalse();
        assertThat(set.contains("Content-Type")).isFalse();
        assertThat(set.contains("")).isFalse();
        assertThat(set.size()).isEqualTo(3);
    }

    @Test
    void onlyAsciiLettersFoldAsHttpFieldNamesDo() {
        HeaderNameSet set = HeaderNameSet.of("Keep-Alive");

        assertThat(set.contains("\u212Aeep-Alive")).isFalse(); // Kelvin sign: String.equalsIgnoreCase would match
        assertThat(HeaderNameSet.equalsIgnoreAsciiCase("a-b_c", "A-B_C")).isTrue();
        assertThat(HeaderNameSet.equalsIgnoreAsciiCase("a[", "A{")).isFalse();
    }

    @Test
    void duplicatesDifferingInCaseCountOnce() {
        HeaderNameSet set = HeaderNameSet.of("Vary", "vary", "VARY", "Date");

        assertThat(set.size()).isEqualTo(2);
        assertThat(set.contains("vArY")).isTrue();
    }

    @Test
    void manyNamesAllFoundAndNoOthers() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            names.add("X-Header-" + i);
        }
        HeaderNameSet set = HeaderNameSet.of(names);

        for (int i = 0; i < 500; i++) {
            assertThat(set.contains("x-header-" + i)).as("x-header-%d", i).isTrue();
        }
        for (int i = 500; i < 1000; i++) {
            assertThat(set.contains("x-header-" + i)).isFalse();
        }
        assertThat(set.size()).isEqualTo(500);
    }

    @Test
    void namesWhoseHashesCollideAreStillTold() {
        // same length, first, middle and last two characters: the same hash, different names
        assertThat(HeaderNameSet.hash("X-Aa-Bcd")).isEqualTo(HeaderNameSet.hash("x-ab-bCD"));
        HeaderNameSet set = HeaderNameSet.of("X-Aa-Bcd", "X-Ac-Bcd");

        assertThat(set.contains("x-aa-bcd")).isTrue();
        assertThat(set.contains("X-AC-BCD")).isTrue();
        assertThat(set.contains("X-Ab-Bcd")).isFalse();
        assertThat(set.contains("X")).isFalse();
        assertThat(HeaderNameSet.of("x").contains("X")).isTrue();
    }

    @Test
    void aLargeSetOfCollidingNamesIsBuiltAndSearchedInLinearTime() {
        // 7 characters, same first, middle and last two: every name has the same cheap hash
        List<String> names = new ArrayList<>();
        for (char a = 'a'; a <= 'z'; a++) {
            for (char b = 'a'; b <= 'z'; b++) {
                for (char c = 'a'; c <= 'z'; c++) {
                    names.add("x" + a + b + "m" + c + "yz");
                }
            }
        }
        assertThat(HeaderNameSet.hash(names.get(0))).isEqualTo(HeaderNameSet.hash(names.get(names.size() - 1)));

        HeaderNameSet set = HeaderNameSet.of(names); // 17576 names: quadratic probing would take seconds

        assertThat(set.size()).isEqualTo(names.size());
        assertThat(set.contains("XQRMSYZ")).isTrue();
        assertThat(set.contains("xqrmsyy")).isFalse();
        assertThat(HeaderNameSet.of(names.subList(0, HeaderNameSet.MAX_OPEN_ADDRESSED + 1)).contains("XAAMAYZ")).isTrue();
    }

    @Test
    void theEmptySetContainsNothing() {
        assertThat(HeaderNameSet.of(List.of()).contains("Date")).isFalse();
        assertThat(HeaderNameSet.empty().isEmpty()).isTrue();
    }
}
