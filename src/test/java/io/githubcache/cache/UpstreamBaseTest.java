package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamBaseTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "HTTP://127.0.0.1:21090, http://127.0.0.1:21090",
        "https://API.GitHub.com, https://api.github.com",
        "HTTPS://GHE.example.com/API/v3, https://ghe.example.com/API/v3",
        "https://api.github.com:443, https://api.github.com",
        "http://example.test:80/api, http://example.test/api",
        "http://example.test:8443, http://example.test:8443",
        "http://[::1]:3000, http://[::1]:3000"})
    void schemeAndHostAreCaseInsensitiveThePathIsNot(String written, String comparable) {
        assertThat(UpstreamBase.comparable(written)).isEqualTo(comparable);
        assertThat(UpstreamBase.comparable(comparable)).isEqualTo(comparable);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"not a url", "/relative/path"})
    void whatIsNoBaseUrlStaysAsItIs(String text) {
        assertThat(UpstreamBase.comparable(text)).isEqualTo(text);
    }
}
