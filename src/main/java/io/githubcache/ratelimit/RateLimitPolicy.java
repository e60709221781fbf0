package io.githubcache.ratelimit;

import io.githubcache.cache.HeaderList;
import io.githubcache.http.HeaderNames;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads GitHub's rate-limit signals from a response: until when is a token (for one resource) certain to be
 * refused? A 403/429 with {@code Retry-After} (secondary limits), or {@code X-RateLimit-Remaining: 0} with
 * {@code X-RateLimit-Reset} (primary limits). Requests sent before then would only burn more quota.
 */
public final class RateLimitPolicy {

    /** The instant until which requests of this partition and resource will be refused, if any. */
    public Optional<Instant> blockedUntil(int status, HeaderList headers, Instant now) {
        String retryAfter = headers.first(HeaderNames.RETRY_AFTER);
        if ((status == 403 || status == 429) && retryAfter != null) {
            Optional<Instant> until = parseRetryAfter(retryAfter.trim(), now);
            if (until.isPresent()) {
                return until;
            }
        }
        String remaining = headers.first(HeaderNames.X_RATELIMIT_REMAINING);
        String reset = headers.first(HeaderNames.X_RATELIMIT_RESET);
        if (remaining != null && reset != null && remaining.trim().equals("0")) {
            try {
                Instant until = Instant.ofEpochSecond(Long.parseLong(reset.trim()));
                return until.isAfter(now) ? Optional.of(until) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The resource a response counted against ({@code core}, {@code search}, ...). */
    public static String resourceOf(HeaderList responseHeaders, String rawPath) {
        String r = responseHeaders.first(HeaderNames.X_RATELIMIT_RESOURCE);
        return r != null && !r.isBlank() ? r.trim().toLowerCase(Locale.ROOT) : resourceOfPath(rawPath);
    }

    /** The resource a request will count against, guessed from its path before sending it. */
    public static String resourceOfPath(String rawPath) {
        String p = rawPath.toLowerCase(Locale.ROOT);
        if (p.startsWith("/search/code")) {
            return "code_search";
        }
        if (p.startsWith("/search/")) {
            return "search";
        }
        if (p.startsWith("/graphql")) {
            return "graphql";
        }
        return "core";
    }

    static Optional<Instant> parseRetryAfter(String value, Instant now) {
        try {
            long seconds = Long.parseLong(value);
            return seconds > 0 ? Optional.of(now.plusSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Optional.of(at) : Optional.empty();
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
