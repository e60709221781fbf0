package io.githubcache.cache;

import java.util.List;

/**
 * Stored under the primary key when the response varies on headers outside the primary key; the variants
 * live under {@code primary + '#' + variantId}. Squid and Varnish do the same, and it keeps the store a
 * plain key-value map that a disk or network store can implement.
 */
public final class VaryMarker extends Stored {

    private final List<String> selectingHeaders;

    public VaryMarker(List<String> selectingHeaders) {
        this.selectingHeaders = selectingHeaders.stream().map(HeaderInterner.SHARED::name).toList();
    }

    public List<String> selectingHeaders() {
        return selectingHeaders;
    }

    /*
     * Written out (it was a record, whose generated ones bootstrap through invokedynamic (ObjectMethods) on their
     * first call: 16 method-handle classes, about 20 ms of the first request after startup, issue 6).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof VaryMarker other && selectingHeaders.equals(other.selectingHeaders);
    }

    @Override
    public int hashCode() {
        return selectingHeaders.hashCode();
    }

    @Override
    public String toString() {
        return "VaryMarker" + selectingHeaders;
    }

    /** Estimated heap held by this marker alone: the object and its list (the names are shared). */
    public long weight() {
        return HeapSize.object(8 + HeapSize.REFERENCE) + HeapSize.object(HeapSize.REFERENCE)
                + HeapSize.array(selectingHeaders.size(), HeapSize.REFERENCE);
    }
}
