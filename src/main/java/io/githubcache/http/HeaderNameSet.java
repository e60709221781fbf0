package io.githubcache.http;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * A fixed set of header names, compared case-insensitively in ASCII as HTTP field names are (RFC 9110
 * section 5.1, and as Netty compares them). Membership tests run for every header line of every request and
 * response; lowering each name into a new String and hashing that was a visible share of a revalidation's
 * CPU, so a lookup here hashes the name as it is, folding case on the fly, and allocates nothing.
 */
public final class HeaderNameSet {

    private static final HeaderNameSet EMPTY = new HeaderNameSet(List.of());
    /**
     * Larger sets (only ever built from a client's {@code Connection} header) are kept as lower-cased names in
     * a {@link java.util.HashSet}: the cheap hash below would let crafted names fill one probe run and make
     * building the set quadratic, where a HashSet degrades to trees.
     */
    static final int MAX_OPEN_ADDRESSED = 32;

    /** Open addressing, linear probing; a power of two at least twice the names. */
    private final String[] slots;
    private final int[] hashes;
    private final int mask;
    private final int size;
    /** Instead of the table, for sets over {@link #MAX_OPEN_ADDRESSED} names. */
    private final java.util.Set<String> large;

    private HeaderNameSet(Collection<String> names) {
        if (names.size() > MAX_OPEN_ADDRESSED) {
            large = new java.util.HashSet<>();
            for (String name : names) {
                large.add(lowerAscii(name));
            }
            slots = new String[0];
            hashes = new int[0];
            mask = 0;
            size = large.size();
            return;
        }
        large = null;
        int n = 4;
        while (n < names.size() * 2) {
            n <<= 1;
        }
        slots = new String[n];
        hashes = new int[n];
        mask = n - 1;
        int count = 0;
        for (String name : names) {
            int h = hash(name);
            int i = h & mask;
            boolean present = false;
            while (slots[i] != null) {
                if (hashes[i] == h && equalsIgnoreAsciiCase(slots[i], name)) {
                    present = true;
                    break;
                }
                i = (i + 1) & mask;
            }
            if (!present) {
                slots[i] = name;
                hashes[i] = h;
                count++;
            }
        }
        size = count;
    }

    public static HeaderNameSet of(String... names) {
        return of(Arrays.asList(names));
    }

    public static HeaderNameSet of(Collection<String> names) {
        return names.isEmpty() ? EMPTY : new HeaderNameSet(names);
    }

    public static HeaderNameSet empty() {
        return EMPTY;
    }

    public boolean contains(String name) {
        if (size == 0) {
            return false;
        }
        if (large != null) {
            return large.contains(lowerAscii(name));
        }
        int h = hash(name);
        for (int i = h & mask; slots[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == h && equalsIgnoreAsciiCase(slots[i], name)) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * A hash equal for names that differ only in ASCII letter case. It reads the length and four characters
     * only (first, middle, last two), so it costs the same for any name: header names share long prefixes
     * ({@code X-RateLimit-}, {@code X-GitHub-}) but rarely length and ending, and a collision only costs one
     * comparison more.
     */
    static int hash(String s) {
        int n = s.length();
        if (n == 0) {
            return 0;
        }
        int h = n;
        h = 31 * h + lower(s.charAt(0));
        h = 31 * h + lower(s.charAt(n >> 1));
        h = 31 * h + lower(s.charAt(n - 1));
        h = 31 * h + lower(s.charAt(n > 1 ? n - 2 : 0));
        return h ^ (h >>> 16);
    }

    public static boolean equalsIgnoreAsciiCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    private static String lowerAscii(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = lower(c[i]);
        }
        return new String(c);
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    @Override
    public String toString() {
        if (large != null) {
            return large.toString();
        }
        StringBuilder sb = new StringBuilder("[");
        for (String s : slots) {
            if (s != null) {
                sb.append(sb.length() > 1 ? ", " : "").append(s);
            }
        }
        return sb.append(']').toString();
    }
}
