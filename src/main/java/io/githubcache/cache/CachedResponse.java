package io.githubcache.cache;

import java.time.Instant;
import java.util.Arrays;

/**
 * A stored response: status, end-to-end headers as the upstream sent them, body bytes (possibly gzip, see
 * {@link ContentCoding}), and the two instants that drive freshness. Immutable: a revalidation makes a
 * new instance, so a request that is serving an entry never sees it change under it. Its header lines are the
 * {@link HeaderList#shared() shared} form, since any instance may end up in the memory tier.
 */
public final class CachedResponse extends Stored {

    private final int status;
    private final HeaderList headers;
    private final byte[] body;
    private final Instant storedAt;
    private final Instant expiresAt;

    public CachedResponse(int status, HeaderList headers, byte[] body, Instant storedAt, Instant expiresAt) {
        this.status = status;
        this.headers = headers.shared();
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

    /** Estimated heap held by this entry alone (see {@link HeapSize}), used by the memory tier's weigher. */
    public long weight() {
        // this object (int + long + 4 references), its body array, two Instants (long + int), the header lines
        return HeapSize.object(4 + 8 + 4 * HeapSize.REFERENCE) + HeapSize.array(body.length, 1)
                + 2 * HeapSize.object(12) + headers.heapBytes();
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
        return o instanceof CachedResponse other && status == other.status && headers.equals(other.headers)
                && Arrays.equals(body, other.body) && storedAt.equals(other.storedAt) && expiresAt.equals(other.expiresAt);
    }

    @Override
    public int hashCode() {
        return status * 31 + Arrays.hashCode(body);
    }
}
