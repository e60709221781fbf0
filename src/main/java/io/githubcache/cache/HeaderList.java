package io.githubcache.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An immutable, ordered list of header lines. Kept as lines (not a map) because repeated lines matter:
 * GitHub sends {@code Vary} twice, and a cache that only reads the last one leaks responses across tokens.
 */
public final class HeaderList {

    private static final HeaderList EMPTY = new HeaderList(List.of());
    private final List<Header> lines;

    private HeaderList(List<Header> lines) {
        this.lines = lines;
    }

    public static HeaderList of(List<Header> lines) {
        return lines.isEmpty() ? EMPTY : new HeaderList(List.copyOf(lines));
    }

    public static HeaderList empty() {
        return EMPTY;
    }

    public List<Header> lines() {
        return lines;
    }

    /** The first value of a header, case-insensitively, or null. */
    public String first(String name) {
        for (Header h : lines) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (Header h : lines) {
            if (h.name().equalsIgnoreCase(name)) {
                out.add(h.value());
            }
        }
        return out;
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    /** A copy without the named headers (names compared case-insensitively). */
    public HeaderList without(Collection<String> names) {
        Set<String> lower = lowerSet(names);
        List<Header> out = new ArrayList<>(lines.size());
        for (Header h : lines) {
            if (!lower.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.add(h);
            }
        }
        return of(out);
    }

    /**
     * A copy where every header present in {@code fresh} replaces all lines of the same name here; used to
     * apply a 304's headers to a stored response (RFC 9111 section 4.3.4).
     */
    public HeaderList updatedWith(HeaderList fresh, Collection<String> neverUpdate) {
        Set<String> skip = lowerSet(neverUpdate);
        Set<String> replaced = new java.util.HashSet<>();
        for (Header h : fresh.lines) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            if (!skip.contains(lower)) {
                replaced.add(lower);
            }
        }
        List<Header> out = new ArrayList<>(lines.size() + fresh.lines.size());
        for (Header h : lines) {
            if (!replaced.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.add(h);
            }
        }
        for (Header h : fresh.lines) {
            if (replaced.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.add(h);
            }
        }
        return of(out);
    }

    /** A copy with every value of the named header passed through {@code change}. */
    public HeaderList mapValues(String name, UnaryOperator<String> change) {
        List<Header> out = new ArrayList<>(lines.size());
        for (Header h : lines) {
            out.add(h.name().equalsIgnoreCase(name) ? new Header(h.name(), change.apply(h.value())) : h);
        }
        return of(out);
    }

    /** A copy with the named header set to one value (replacing all lines of that name), appended at the end. */
    public HeaderList with(String name, String value) {
        List<Header> out = new ArrayList<>(without(List.of(name)).lines);
        out.add(new Header(name, value));
        return of(out);
    }

    public long byteSize() {
        long n = 0;
        for (Header h : lines) {
            n += h.name().length() + h.value().length() + 4;
        }
        return n;
    }

    private static Set<String> lowerSet(Collection<String> names) {
        Set<String> lower = new java.util.HashSet<>();
        for (String n : names) {
            lower.add(n.toLowerCase(Locale.ROOT));
        }
        return lower;
    }

    @Override
    public String toString() {
        return lines.toString();
    }
}
