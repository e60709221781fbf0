package io.githubcache.cache;

import java.util.List;

/**
 * Stored under the primary key when the response varies on headers outside the primary key; the variants
 * live under {@code primary + '#' + variantId}. Squid and Varnish do the same, and it keeps the store a
 * plain key-value map that a disk or network store can implement.
 */
public record VaryMarker(List<String> selectingHeaders) implements Stored {

    public VaryMarker {
        selectingHeaders = selectingHeaders.stream().map(HeaderInterner.SHARED::name).toList();
    }

    /** Estimated heap held by this marker alone: the record and its list (the names are shared). */
    public long weight() {
        return HeapSize.object(HeapSize.REFERENCE) + HeapSize.object(HeapSize.REFERENCE)
                + HeapSize.array(selectingHeaders.size(), HeapSize.REFERENCE);
    }
}
