package io.githubcache.cache;

/**
 * Estimates of what objects take on a 64-bit HotSpot heap with compressed references (heaps under 32 GB),
 * so that {@code max-memory} bounds the heap the memory tier really holds, not just its bytes of text.
 * An under-estimate let a 256 MB tier fill 580 MB of heap and drive the JVM into back-to-back full GCs.
 */
public final class HeapSize {

    public static final int OBJECT_HEADER = 12;
    public static final int REFERENCE = 4;
    /** A String: header, hash, coder, flags, reference to its byte[]. */
    private static final int STRING = 24;

    private HeapSize() {
    }

    /** An object with the given bytes of fields. */
    public static long object(int fieldBytes) {
        return align(OBJECT_HEADER + fieldBytes);
    }

    public static long array(int length, int elementBytes) {
        return align(16 + (long) length * elementBytes);
    }

    /** A String of Latin-1 text (what HTTP headers and cache keys are). */
    public static long string(String s) {
        return STRING + array(s.length(), 1);
    }

    static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
