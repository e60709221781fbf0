package io.githubcache.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void accessTokenValueIsRedacted() {
        assertThat(AccessLog.redact("/user?access_token=ghp_secret123"))
                .isEqualTo("/user?access_token=REDACTED")
                .doesNotContain("ghp_secret123");
    }

    @Test
    void clientSecretValueIsRedactedAndOtherParametersKept() {
        assertThat(AccessLog.redact("/applications/1/token?client_id=Iv1.abc&client_secret=s3cr3t&page=2"))
                .isEqualTo("/applications/1/token?client_id=REDACTED&client_secret=REDACTED&page=2");
    }

    @Test
    void tokenParameterIsRedacted() {
        assertThat(AccessLog.redact("/x?per_page=5&token=abc&sort=asc")).isEqualTo("/x?per_page=5&token=REDACTED&sort=asc");
    }

    @Test
    void parameterNamesMatchCaseInsensitively() {
        assertThat(AccessLog.redact("/x?Access_Token=abc")).isEqualTo("/x?Access_Token=REDACTED");
    }

    @Test
    void everyOccurrenceIsRedacted() {
        assertThat(AccessLog.redact("/x?access_token=a&access_token=b"))
                .isEqualTo("/x?access_token=REDACTED&access_token=REDACTED");
    }

    @Test
    void emptyValueStaysEmptyShaped() {
        assertThat(AccessLog.redact("/x?access_token=&a=1")).isEqualTo("/x?access_token=REDACTED&a=1");
    }

    @Test
    void otherParametersAndPathsAreUntouched() {
        String target = "/repos/o/r/issues?state=open&per_page=100&page=2&q=access_token";

        assertThat(AccessLog.redact(target)).isEqualTo(target);
        assertThat(AccessLog.redact("/")).isEqualTo("/");
    }

    @Test
    void parametersThatOnlyEndWithASecretNameAreUntouched() {
        String target = "/x?my_access_token=keep&notoken=keep2&xclient_secret=keep3";

        assertThat(AccessLog.redact(target)).isEqualTo(target);
    }

    @Test
    void pathSegmentsNamedLikeSecretsAreUntouched() {
        String target = "/applications/access_token=1/client_secret";

        assertThat(AccessLog.redact(target)).isEqualTo(target);
    }
}
