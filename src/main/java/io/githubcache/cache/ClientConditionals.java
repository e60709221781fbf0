package io.githubcache.cache;

import io.githubcache.http.HeaderNames;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * RFC 9110 section 13.1: does the client's own {@code If-None-Match} / {@code If-Modified-Since} let the
 * proxy answer 304 from the entry, without asking the upstream?
 */
public final class ClientConditionals {

    private ClientConditionals() {
    }

    public static boolean notModified(HeaderList request, HeaderList response) {
        java.util.List<String> inm = request.all(HeaderNames.IF_NONE_MATCH);
        if (!inm.isEmpty()) {
            String etag = response.first(HeaderNames.ETAG);
            return etag != null && weakMatch(String.join(",", inm), etag);
        }
        String ims = request.first(HeaderNames.IF_MODIFIED_SINCE);
        String lm = response.first(HeaderNames.LAST_MODIFIED);
        if (ims == null || lm == null) {
            return false;
        }
        try {
            ZonedDateTime since = ZonedDateTime.parse(ims.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
            ZonedDateTime modified = ZonedDateTime.parse(lm.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return !modified.isAfter(since);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Weak comparison (section 8.8.3.2): {@code W/"x"} matches {@code "x"}; {@code *} matches any. */
    static boolean weakMatch(String ifNoneMatch, String etag) {
        String target = opaque(etag);
        if (ifNoneMatch.trim().equals("*")) {
            return true;
        }
        // entity-tags are quoted and may contain commas, so scan quoted strings rather than split on ','
        int i = 0;
        int n = ifNoneMatch.length();
        while (i < n) {
            int start = ifNoneMatch.indexOf('"', i);
            if (start < 0) {
                break;
            }
            int end = ifNoneMatch.indexOf('"', start + 1);
            if (end < 0) {
                break;
            }
            if (ifNoneMatch.substring(start, end + 1).equals(target)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static String opaque(String tag) {
        String t = tag.trim();
        return t.startsWith("W/") ? t.substring(2) : t;
    }
}
