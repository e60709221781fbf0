package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheKeyGeneratorTest {

    private static final String UPSTREAM = "https://api.github.com";
    private static final String TOKEN_A = "Bearer ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String TOKEN_B = "Bearer ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private final CacheKeyGenerator generator = new CacheKeyGenerator();

    private static HeaderList headers(String... nameValues) {
        List<Header> lines = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            lines.add(new Header(nameValues[i], nameValues[i + 1]));
        }
        return HeaderList.of(lines);
    }

    @Test
    void partitionIsSha256HexOfAuthorization() {
        String partition = CacheKeyGenerator.partition(headers("Authorization", TOKEN_A));

        assertThat(partition).isEqualTo(Hashing.sha256Hex(TOKEN_A)).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void partitionIsAnonymousWithoutAuthorization() {
        assertThat(CacheKeyGenerator.partition(headers("Accept", "application/json"))).isEqualTo("anonymous");
        assertThat(CacheKeyGenerator.partition(HeaderList.empty())).isEqualTo(CacheKey.ANONYMOUS);
    }

    @Test
    void partitionReadsAuthorizationCaseInsensitively() {
        assertThat(CacheKeyGenerator.partition(headers("authorization", TOKEN_A)))
                .isEqualTo(CacheKeyGenerator.partition(headers("AUTHORIZATION", TOKEN_A)))
                .isNotEqualTo(CacheKey.ANONYMOUS);
    }

    @Test
    void twoTokensGetDifferentPartitionsAndKeys() {
        CacheKey a = generator.keyFor(UPSTREAM, "/user", headers("Authorization", TOKEN_A));
        CacheKey b = generator.keyFor(UPSTREAM, "/user", headers("Authorization", TOKEN_B));
        CacheKey anon = generator.keyFor(UPSTREAM, "/user", HeaderList.empty());

        assertThat(a.partition()).isNotEqualTo(b.partition());
        assertThat(a.asString()).isNotEqualTo(b.asString()).isNotEqualTo(anon.asString());
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void rawTokenNeverAppearsInKeyString() {
        CacheKey key = generator.keyFor(UPSTREAM, "/repos/o/r", headers("Authorization", TOKEN_A));

        assertThat(key.asString())
                .doesNotContain(TOKEN_A)
                .doesNotContain("ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
                .contains(Hashing.sha256Hex(TOKEN_A));
    }

    @Test
    void keyHoldsUpstreamTargetAcceptAndApiVersion() {
        CacheKey key = generator.keyFor(UPSTREAM, "/repos/o/r?per_page=100&page=2",
                headers("Accept", "application/vnd.github+json", "X-GitHub-Api-Version", "2022-11-28"));

        assertThat(key.upstream()).isEqualTo(UPSTREAM);
        assertThat(key.target()).isEqualTo("/repos/o/r?per_page=100&page=2");
        assertThat(key.path()).isEqualTo("/repos/o/r");
        assertThat(key.accept()).isEqualTo("application/vnd.github+json");
        assertThat(key.apiVersion()).isEqualTo("2022-11-28");
        assertThat(key.asString()).isEqualTo(UPSTREAM + "\nanonymous\napplication/vnd.github+json\n2022-11-28\n"
                + "/repos/o/r?per_page=100&page=2");
    }

    @Test
    void rawTargetIsKeptByteForByte() {
        CacheKey encoded = generator.keyFor(UPSTREAM, "/repos/o/r/contents/a%2Fb", HeaderList.empty());
        CacheKey decoded = generator.keyFor(UPSTREAM, "/repos/o/r/contents/a/b", HeaderList.empty());

        assertThat(encoded.target()).isEqualTo("/repos/o/r/contents/a%2Fb");
        assertThat(encoded).isNotEqualTo(decoded);
    }

    @Test
    void missingAcceptAndApiVersionAreEmpty() {
        CacheKey key = generator.keyFor(UPSTREAM, "/", HeaderList.empty());

        assertThat(key.accept()).isEmpty();
        assertThat(key.apiVersion()).isEmpty();
    }

    @Test
    void differentAcceptOrApiVersionGiveDifferentKeys() {
        CacheKey json = generator.keyFor(UPSTREAM, "/x", headers("Accept", "application/vnd.github+json"));
        CacheKey raw = generator.keyFor(UPSTREAM, "/x", headers("Accept", "application/vnd.github.raw"));
        CacheKey v1 = generator.keyFor(UPSTREAM, "/x", headers("X-GitHub-Api-Version", "2022-11-28"));
        CacheKey v2 = generator.keyFor(UPSTREAM, "/x", headers("X-GitHub-Api-Version", "2026-03-10"));

        assertThat(json).isNotEqualTo(raw);
        assertThat(v1).isNotEqualTo(v2);
    }

    @Test
    void acceptWhitespaceIsNormalised() {
        CacheKey tidy = generator.keyFor(UPSTREAM, "/x", headers("Accept", "application/json, text/plain"));
        CacheKey messy = generator.keyFor(UPSTREAM, "/x", headers("Accept", "  application/json ,\ttext/plain  "));
        CacheKey noSpace = generator.keyFor(UPSTREAM, "/x", headers("Accept", "application/json,text/plain"));

        assertThat(messy.accept()).isEqualTo("application/json, text/plain");
        assertThat(messy).isEqualTo(tidy).isEqualTo(noSpace);
    }

    @Test
    void repeatedAcceptLinesAreJoinedLikeOneCommaSeparatedLine() {
        CacheKey twoLines = generator.keyFor(UPSTREAM, "/x",
                headers("Accept", "application/json", "accept", "text/plain"));
        CacheKey oneLine = generator.keyFor(UPSTREAM, "/x", headers("Accept", "application/json, text/plain"));

        assertThat(twoLines.accept()).isEqualTo("application/json, text/plain");
        assertThat(twoLines).isEqualTo(oneLine);
    }

    @Test
    void apiVersionIsTrimmedAndReadCaseInsensitively() {
        CacheKey key = generator.keyFor(UPSTREAM, "/x", headers("x-github-api-version", "  2022-11-28 "));

        assertThat(key.apiVersion()).isEqualTo("2022-11-28");
    }

    @Test
    void normaliseCollapsesInnerWhitespace() {
        assertThat(CacheKeyGenerator.normalise("a   b ,  c")).isEqualTo("a b, c");
        assertThat(CacheKeyGenerator.normalise(null)).isEmpty();
    }

    @Test
    void getAndHeadOfOneTargetShareTheKey() {
        // keyFor has no method parameter by design: the same inputs give equal keys whatever the method
        HeaderList h = headers("Authorization", TOKEN_A, "Accept", "application/json");
        CacheKey forGet = generator.keyFor(UPSTREAM, "/repos/o/r", h);
        CacheKey forHead = generator.keyFor(UPSTREAM, "/repos/o/r", h);

        assertThat(forHead).isEqualTo(forGet);
        assertThat(forHead.asString()).isEqualTo(forGet.asString());
        // and the key has no component that could hold the method (asString is built from the other five)
        assertThat(Arrays.stream(CacheKey.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .map(Field::getName))
                .containsExactly("upstream", "partition", "accept", "apiVersion", "target", "asString");
    }

    @Test
    void fingerprintIsTwelveHexCharsOfThePartition() {
        String partition = CacheKeyGenerator.partition(headers("Authorization", TOKEN_A));

        String fp = CacheKeyGenerator.fingerprint(partition);

        assertThat(fp).hasSize(12).matches("[0-9a-f]{12}").isEqualTo(partition.substring(0, 12));
        assertThat(TOKEN_A).doesNotContain(fp);
        assertThat(CacheKeyGenerator.fingerprint(CacheKeyGenerator.partition(headers("Authorization", TOKEN_B))))
                .isNotEqualTo(fp);
    }

    @Test
    void fingerprintIsDashForAnonymous() {
        assertThat(CacheKeyGenerator.fingerprint(CacheKey.ANONYMOUS)).isEqualTo("-");
    }

    @Test
    void pathStripsQuery() {
        assertThat(new CacheKey(UPSTREAM, "anonymous", "", "", "/a/b?c=d?e").path()).isEqualTo("/a/b");
        assertThat(new CacheKey(UPSTREAM, "anonymous", "", "", "/a/b").path()).isEqualTo("/a/b");
    }
}
