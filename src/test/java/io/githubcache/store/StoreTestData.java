package io.githubcache.store;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.Header;
import io.githubcache.cache.HeaderList;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Entries whose content follows from their number, so a reader (another JVM too) can check them exactly. */
final class StoreTestData {

    private StoreTestData() {
    }

    static String key(int i) {
        return "http://127.0.0.1:1\nanonymous\napplication/json\n\n/repos/o/r" + i;
    }

    /** A body of about {@code size} bytes that names its entry and is unlike any other entry's. */
    static byte[] body(int i, int size) {
        StringBuilder sb = new StringBuilder(size + 32);
        sb.append("BODY-").append(i).append('-');
        while (sb.length() < size) {
            sb.append((char) ('a' + (sb.length() * 31 + i) % 26));
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static CachedResponse response(int i, int size) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i);
        return new CachedResponse(200, HeaderList.of(List.of(new Header("ETag", "\"v" + i + "\""),
                new Header("Content-Type", "application/json"))), body(i, size), at, at.plusSeconds(60));
    }

    /** What a 304 makes of {@code r}: the same status and body under new headers and a new lifetime. */
    static CachedResponse refreshed(CachedResponse r, int i) {
        Instant at = r.storedAt().plusSeconds(1000L + i);
        return r.withHeadersAndLifetime(HeaderList.of(List.of(new Header("ETag", r.etag()),
                new Header("Content-Type", "application/json"), new Header("X-Refresh", "r" + i))), at,
                at.plusSeconds(60));
    }
}
