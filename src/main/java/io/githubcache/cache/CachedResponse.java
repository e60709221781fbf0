package io.githubcache.cache;

import java.time.Instant;
import java.util.Arrays;

/**
 * A stored response: status, end-to-end headers as the upstream sent them, body bytes (possibly gzip, see
 * {@link ContentCoding}), and the two instants that drive freshness. Immutable: a revalidation makes a
 * new instance, so a request that is serving an entry never sees it change under it.
 */
public final class CachedResponse implements Stored {

    private final int status;
    private final HeaderList headers;
    private final byte[] body;
    private final Instant storedAt;
    private final Instant expiresAt;

    public CachedResponse(int status, HeaderList headers, byte[] body, Instant storedAt, Instant expiresAt) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.storedAt = storedAt;
        this.expiresAt = expiresAt;
    }

    public int status() {
        return status;
    }

    public HeaderList headers() {
        return headers;
    }

    /** The stored bytes; callers must not modify them. */
    public byte[] body() {
        return body;
    }

    public Instant storedAt() {
        return storedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public String etag() {
        return headers.first(io.githubcache.http.HeaderNames.ETAG);
    }

    public String lastModified() {
        return headers.first(io.githubcache.http.HeaderNames.LAST_MODIFIED);
    }

    public boolean hasValidator() {
        return etag() != null || lastModified() != null;
    }

    /** Approximate heap cost, used by the memory tier's weigher. */
    public long weight() {
        return body.length + headers.byteSize() + 96;
    }

    public CachedResponse withHeadersAndLifetime(HeaderList newHeaders, Instant newStoredAt, Instant newExpiresAt) {
        return new CachedResponse(status, newHeaders, body, newStoredAt, newExpiresAt);
    }

    @Override
    public String toString() {
        return "CachedResponse[" + status + ", " + body.length + " bytes, expires " + expiresAt + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CachedResponse other && status == other.status && headers.lines().equals(other.headers.lines())
                && Arrays.equals(body, other.body) && storedAt.equals(other.storedAt) && expiresAt.equals(other.expiresAt);
    }

    @Override
    public int hashCode() {
        return status * 31 + Arrays.hashCode(body);
    }
}
