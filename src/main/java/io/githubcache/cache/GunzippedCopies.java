package io.githubcache.cache;

import io.githubcache.http.HeaderNames;
import java.util.List;

/**
 * Gunzipped copies of stored gzip bodies being served to clients that do not accept gzip (plain {@code curl},
 * {@code wrk} without headers, many scripts). Inflating the same body for every such hit made those hits a
 * quarter slower than gzip ones; a hot entry is now inflated once. Kept per stored body (by identity: a
 * revalidation keeps the body and replaces the header lines, a refetch replaces both), bounded by bytes apart
 * from the memory tier's budget; bodies over {@link #MAX_COPIED_BYTES} inflated are inflated per request as
 * before.
 */
public final class GunzippedCopies {

    public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;
    static final int MAX_COPIED_BYTES = 1024 * 1024;
    private static final List<String> CONTENT_ENCODING = List.of(HeaderNames.CONTENT_ENCODING);

    /**
     * The stored lines a copy was made for, the lines to send with it ({@code Content-Encoding} dropped), and
     * the inflated body; callers must not modify the body.
     */
    public record Copy(HeaderList storedHeaders, HeaderList headers, byte[] body) {
    }

    private final IdentityKeyedCache<byte[], Copy> copies;

    public GunzippedCopies(long maxBytes) {
        this.copies = new IdentityKeyedCache<>(maxBytes, c -> c.body().length);
    }

    /**
     * The stored response as a client without gzip gets it; the same instances for as long as the entry's lines
     * and body stay the same and the copy is kept.
     *
     * @throws java.io.UncheckedIOException when the body is not valid gzip
     */
    public Copy of(HeaderList storedHeaders, byte[] storedBody) {
        Copy c = copies.get(storedBody);
        if (c != null && c.storedHeaders() == storedHeaders) {
            return c;
        }
        c = c != null ? new Copy(storedHeaders, withoutCoding(storedHeaders), c.body())
                : inflated(storedHeaders, storedBody);
        if (c.body().length <= MAX_COPIED_BYTES) {
            copies.put(storedBody, c);
        }
        return c;
    }

    /**
     * A gzip answer as a client without gzip gets it, made now and kept nowhere (an answer not served from
     * the cache, or {@link #of} making its copy).
     *
     * @throws java.io.UncheckedIOException when the body is not valid gzip
     */
    public static Copy inflated(HeaderList headers, byte[] gzipBody) {
        return new Copy(headers, withoutCoding(headers), ContentCoding.gunzip(gzipBody));
    }

    private static HeaderList withoutCoding(HeaderList headers) {
        return headers.without(CONTENT_ENCODING);
    }

    /** Bytes held, as the bound counts them. */
    public long estimatedBytes() {
        return copies.estimatedBytes();
    }
}
