package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpDateTest {

    /** IMF-fixdate: two-digit day, GMT (java's RFC_1123_DATE_TIME would write "Fri, 7 Nov"). */
    @Test
    void nowIsAnImfFixdate() {
        assertThat(HttpDate.now()).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    }
}
