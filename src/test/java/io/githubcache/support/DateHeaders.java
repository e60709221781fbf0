package io.githubcache.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Checks on the {@code Date} header the proxy adds to answers it makes or received without one. */
public final class DateHeaders {

    private DateHeaders() {
    }

    /** {@code value} is an HTTP date (RFC 1123 form) within a minute of now. */
    public static void assertCurrent(String value) {
        assertThat(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME))
                .isCloseTo(ZonedDateTime.now(), within(1, ChronoUnit.MINUTES));
    }
}
