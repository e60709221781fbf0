package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VaryPolicyTest {

    private final VaryPolicy policy = new VaryPolicy();

    private static HeaderList headers(String... nameValues) {
        List<Header> lines = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            lines.add(new Header(nameValues[i], nameValues[i + 1]));
        }
        return HeaderList.of(lines);
    }

    @Test
    void githubsTwoVaryLinesBothCount() {
        HeaderList response = headers(
                "Content-Type", "application/json; charset=utf-8",
                "Vary", "Accept, Authorization, Cookie, X-GitHub-OTP",
                "ETag", "W/\"abc\"",
                "Vary", "Accept-Encoding, Accept, X-Requested-With");

        assertThat(policy.selectingHeaders(response))
                .contains(List.of("cookie", "x-github-otp", "x-requested-with"));
    }

    @Test
    void rememberedAnswersStayThoseOfTheirOwnLines() {
        HeaderList both = headers("Vary", "Accept, Cookie", "Vary", "X-Requested-With");
        HeaderList swapped = headers("Vary", "X-Requested-With", "Vary", "Accept, Cookie");
        HeaderList star = headers("Vary", "Accept, *");
        HeaderList none = headers("Content-Type", "application/json");

        for (int round = 0; round < 2; round++) { // the second round answers from what the first remembered
            assertThat(policy.selectingHeaders(both)).contains(List.of("cookie", "x-requested-with"));
            assertThat(policy.selectingHeaders(swapped)).contains(List.of("cookie", "x-requested-with"));
            assertThat(policy.selectingHeaders(star)).isEmpty();
            assertThat(policy.selectingHeaders(none)).contains(List.of());
            assertThat(policy.selectingHeaders(headers("Vary", "X-Other"))).contains(List.of("x-other"));
        }
    }

    @Test
    void pastTheLimitAnswersAreStillRight() {
        for (int i = 0; i < VaryPolicy.MAX_REMEMBERED + 10; i++) {
            assertThat(policy.selectingHeaders(headers("Vary", "X-H" + i))).contains(List.of("x-h" + i));
        }
        String longLine = "X-" + "a".repeat(VaryPolicy.MAX_REMEMBERED_CHARS);
        assertThat(policy.selectingHeaders(headers("Vary", longLine)))
                .contains(List.of(longLine.toLowerCase(java.util.Locale.ROOT)));
    }

    @Test
    void onlyTheFirstOrOnlyTheLastLineWouldNotBeEnough() {
        // guards against reading a single Vary line: each line alone gives a different answer
        assertThat(policy.selectingHeaders(headers("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")))
                .contains(List.of("cookie", "x-github-otp"));
        assertThat(policy.selectingHeaders(headers("Vary", "Accept-Encoding, Accept, X-Requested-With")))
                .contains(List.of("x-requested-with"));
    }

    @Test
    void noVaryGivesEmptyList() {
        assertThat(policy.selectingHeaders(headers("Content-Type", "application/json"))).contains(List.of());
    }

    @Test
    void varyOnPrimaryKeyHeadersOnlyGivesEmptyList() {
        assertThat(policy.selectingHeaders(headers("Vary", "Accept, Authorization, Accept-Encoding, X-GitHub-Api-Version")))
                .contains(List.of());
    }

    @Test
    void varyStarGivesEmptyOptional() {
        assertThat(policy.selectingHeaders(headers("Vary", "*"))).isEmpty();
        assertThat(policy.selectingHeaders(headers("Vary", "Accept", "Vary", "Cookie, *"))).isEqualTo(Optional.empty());
    }

    @Test
    void namesAreCaseInsensitiveLowerCasedSortedAndDeduplicated() {
        HeaderList response = headers("vary", "X-Requested-With, COOKIE", "VARY", "cookie ,  x-github-otp,,");

        assertThat(policy.selectingHeaders(response)).contains(List.of("cookie", "x-github-otp", "x-requested-with"));
    }

    @Test
    void variantIdIsEmptyWhenNothingSelects() {
        assertThat(policy.variantId(List.of(), headers("Cookie", "a=1"))).isEmpty();
    }

    @Test
    void variantIdDiffersForDifferentCookies() {
        List<String> sel = List.of("cookie");

        String one = policy.variantId(sel, headers("Cookie", "session=one"));
        String two = policy.variantId(sel, headers("Cookie", "session=two"));
        String none = policy.variantId(sel, HeaderList.empty());

        assertThat(one).isNotEqualTo(two).isNotEqualTo(none);
        assertThat(two).isNotEqualTo(none);
    }

    @Test
    void variantIdIsAHashThatDoesNotContainTheCookie() {
        String id = policy.variantId(List.of("cookie"), headers("Cookie", "session=s3cr3t-value"));

        assertThat(id).matches("[0-9a-f]{64}").doesNotContain("s3cr3t").doesNotContain("session");
    }

    @Test
    void variantIdIsStableAndReadsHeadersCaseInsensitively() {
        List<String> sel = List.of("cookie", "x-github-otp");

        String a = policy.variantId(sel, headers("Cookie", "s=1", "X-GitHub-OTP", "123456"));
        String b = policy.variantId(sel, headers("cookie", "s=1", "x-github-otp", "123456", "Accept", "text/plain"));

        assertThat(a).isEqualTo(b);
        assertThat(policy.variantId(sel, headers("Cookie", "s=1", "X-GitHub-OTP", "654321"))).isNotEqualTo(a);
    }

    @Test
    void variantIdNormalisesWhitespaceOfSelectingHeaders() {
        List<String> sel = List.of("x-requested-with");

        assertThat(policy.variantId(sel, headers("X-Requested-With", "  XMLHttpRequest ")))
                .isEqualTo(policy.variantId(sel, headers("X-Requested-With", "XMLHttpRequest")));
    }
}
