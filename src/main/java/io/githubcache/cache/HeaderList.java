package io.githubcache.cache;

import io.githubcache.http.HeaderNameSet;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.UnaryOperator;

/**
 * An immutable, ordered list of header lines. Kept as lines (not a map) because repeated lines matter:
 * GitHub sends {@code Vary} twice, and a cache that only reads the last one leaks responses across tokens.
 *
 * <p>Held as one flat array of names and values rather than one object per line: a stored GitHub response
 * has about 25 lines, and the memory tier holds hundreds of thousands of responses, so per-line objects made
 * most of the heap and most of the garbage collector's marking work. {@link #shared()} goes further for stored
 * entries (see {@link HeaderInterner}).
 */
public final class HeaderList {

    private static final HeaderList EMPTY = new HeaderList(new String[0]);
    /** name0, value0, name1, value1, ... */
    private final String[] nameValues;
    /** Made by {@link #shared()}: sharing it again would give an equal list (every store and waiter asks). */
    private final boolean shared;

    private HeaderList(String[] nameValues) {
        this(nameValues, false);
    }

    private HeaderList(String[] nameValues, boolean shared) {
        this.nameValues = nameValues;
        this.shared = shared;
    }

    public static HeaderList of(List<Header> lines) {
        if (lines.isEmpty()) {
            return EMPTY;
        }
        String[] nv = new String[lines.size() * 2];
        int i = 0;
        for (Header h : lines) {
            nv[i++] = java.util.Objects.requireNonNull(h.name(), "header name");
            nv[i++] = java.util.Objects.requireNonNull(h.value(), "header value");
        }
        return new HeaderList(nv);
    }

    public static HeaderList empty() {
        return EMPTY;
    }

    /** Collects lines in order without a {@link Header} object per line. */
    public static Builder builder(int expectedLines) {
        return new Builder(expectedLines);
    }

    /** The number of lines. */
    public int size() {
        return nameValues.length / 2;
    }

    /** The name of line {@code i}, as received. */
    public String name(int i) {
        return nameValues[2 * i];
    }

    /** The value of line {@code i}. */
    public String value(int i) {
        return nameValues[2 * i + 1];
    }

    /** The lines as an unmodifiable view; {@link #name(int)} and {@link #value(int)} avoid a Header per line. */
    public List<Header> lines() {
        return new Lines();
    }

    /** The first value of a header, case-insensitively, or null. */
    public String first(String name) {
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i].equalsIgnoreCase(name)) {
                return nameValues[i + 1];
            }
        }
        return null;
    }

    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i].equalsIgnoreCase(name)) {
                out.add(nameValues[i + 1]);
            }
        }
        return out;
    }

    /**
     * The named header's lines joined with {@code ", "} (RFC 9110 section 5.3), null when there is none: what
     * {@link #all} gives, without its list for the common single line (the cache key reads three headers per
     * request).
     */
    public String joined(String name) {
        String single = null;
        StringBuilder more = null;
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i].equalsIgnoreCase(name)) {
                if (single == null) {
                    single = nameValues[i + 1];
                } else {
                    if (more == null) {
                        more = new StringBuilder(single);
                    }
                    more.append(", ").append(nameValues[i + 1]);
                }
            }
        }
        return more != null ? more.toString() : single;
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    /** A copy without the named headers (names compared case-insensitively). */
    public HeaderList without(Collection<String> names) {
        HeaderNameSet drop = HeaderNameSet.of(names);
        Builder out = new Builder(size());
        for (int i = 0; i < nameValues.length; i += 2) {
            if (!drop.contains(nameValues[i])) {
                out.add(nameValues[i], nameValues[i + 1]);
            }
        }
        return out.build();
    }

    /**
     * A copy where every header present in {@code fresh} replaces all lines of the same name here; used to
     * apply a 304's headers to a stored response (RFC 9111 section 4.3.4).
     */
    public HeaderList updatedWith(HeaderList fresh, Collection<String> neverUpdate) {
        return updatedWith(fresh, HeaderNameSet.of(neverUpdate));
    }

    /** As {@link #updatedWith(HeaderList, Collection)}, with the names kept as a prepared set. */
    public HeaderList updatedWith(HeaderList fresh, HeaderNameSet neverUpdate) {
        List<String> names = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.nameValues.length; i += 2) {
            if (!neverUpdate.contains(fresh.nameValues[i])) {
                names.add(fresh.nameValues[i]);
            }
        }
        HeaderNameSet replaced = HeaderNameSet.of(names);
        Builder out = new Builder(size() + fresh.size());
        for (int i = 0; i < nameValues.length; i += 2) {
            if (!replaced.contains(nameValues[i])) {
                out.add(nameValues[i], nameValues[i + 1]);
            }
        }
        for (int i = 0; i < fresh.nameValues.length; i += 2) {
            if (replaced.contains(fresh.nameValues[i])) {
                out.add(fresh.nameValues[i], fresh.nameValues[i + 1]);
            }
        }
        return out.build();
    }

    /** A copy with every value of the named header passed through {@code change}. */
    public HeaderList mapValues(String name, UnaryOperator<String> change) {
        String[] nv = nameValues.clone();
        for (int i = 0; i < nv.length; i += 2) {
            if (nv[i].equalsIgnoreCase(name)) {
                nv[i + 1] = change.apply(nv[i + 1]);
            }
        }
        return new HeaderList(nv);
    }

    /** A copy with the named header set to one value (replacing all lines of that name), appended at the end. */
    public HeaderList with(String name, String value) {
        Builder out = new Builder(size() + 1);
        for (int i = 0; i < nameValues.length; i += 2) {
            if (!nameValues[i].equalsIgnoreCase(name)) {
                out.add(nameValues[i], nameValues[i + 1]);
            }
        }
        return out.add(name, value).build();
    }

    /** The lines' text size: what they take on the wire, give or take the separators. */
    public long byteSize() {
        long n = 0;
        for (String s : nameValues) {
            n += s.length() + 2;
        }
        return n;
    }

    /**
     * A copy whose names and common values are the same String instances as in every other stored entry
     * ({@link HeaderInterner}); what the memory tier keeps.
     */
    public HeaderList shared() {
        if (shared) {
            return this;
        }
        String[] nv = new String[nameValues.length];
        for (int i = 0; i < nv.length; i += 2) {
            nv[i] = HeaderInterner.SHARED.name(nameValues[i]);
            nv[i + 1] = HeaderInterner.SHARED.value(nv[i], nameValues[i + 1]);
        }
        return new HeaderList(nv, true);
    }

    /**
     * Estimated heap bytes held by this list alone: the object and its array, plus every string that is not
     * the instance all entries share ({@link #shared()}; a full interner table leaves new strings unshared,
     * and those are counted).
     */
    public long heapBytes() {
        long n = HeapSize.object(HeapSize.REFERENCE) + HeapSize.array(nameValues.length, HeapSize.REFERENCE);
        for (int i = 0; i < nameValues.length; i += 2) {
            if (!HeaderInterner.SHARED.isSharedName(nameValues[i])) {
                n += HeapSize.string(nameValues[i]);
            }
            if (!HeaderInterner.SHARED.isSharedValue(nameValues[i + 1])) {
                n += HeapSize.string(nameValues[i + 1]);
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderList other && Arrays.equals(nameValues, other.nameValues);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nameValues);
    }

    @Override
    public String toString() {
        return lines().toString();
    }

    private final class Lines extends AbstractList<Header> implements RandomAccess {
        @Override
        public Header get(int index) {
            java.util.Objects.checkIndex(index, size());
            return new Header(nameValues[2 * index], nameValues[2 * index + 1]);
        }

        @Override
        public int size() {
            return HeaderList.this.size();
        }
    }

    /** Collects lines for a new list. */
    public static final class Builder {
        private String[] nv;
        private int n;

        private Builder(int expectedLines) {
            nv = new String[Math.max(2, expectedLines * 2)];
        }

        public Builder add(String name, String value) {
            if (n + 2 > nv.length) {
                nv = Arrays.copyOf(nv, nv.length * 2);
            }
            nv[n++] = java.util.Objects.requireNonNull(name, "header name");
            nv[n++] = java.util.Objects.requireNonNull(value, "header value");
            return this;
        }

        public HeaderList build() {
            return n == 0 ? EMPTY : new HeaderList(n == nv.length ? nv.clone() : Arrays.copyOf(nv, n));
        }
    }
}
