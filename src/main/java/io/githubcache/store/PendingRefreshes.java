package io.githubcache.store;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.HeapSize;
import io.githubcache.cache.Stored;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Refreshed entries (a {@code 304}'s headers and lifetime over an unchanged body) that the disk tier has not
 * written yet: key to the newest refresh and since when the disk copy is behind.
 *
 * <p>Why: MVStore rewrites a whole B-tree leaf (several entries) for each changed entry at the next commit, so
 * writing every refresh cost a revalidation about a third of its CPU (BENCHMARKS.md, step 27). A disk copy that
 * is behind costs little: it holds the same body and validators, so after a restart (or an eviction from memory)
 * the next request revalidates it, which GitHub does not count against the rate limit. So a key's refreshes are
 * written once it has been behind for {@link DiskEntryStore#REFRESH_WRITE_DELAY_MS}, and all of them at a clean
 * stop; a key refreshed again meanwhile is written once.
 *
 * <p>A refresh of a response holds its new headers and lifetime and a fingerprint of its body (length and
 * CRC32C), not the body: the disk copy has it. It applies only to a disk copy with that very body, so a copy
 * that changed meanwhile in any way this map did not see is never given another answer's headers. That keeps a
 * held refresh at its headers' size (most of their strings are shared with every other entry), so many more
 * keys fit under the bound than whole entries would (step 29). Other values (Vary markers) are held whole.
 *
 * <p>Bounded: beyond {@link #MAX_ENTRIES} keys or {@link #MAX_BYTES} of estimated heap, {@link #offer} refuses and
 * the caller writes at once. The bound is checked per offer, not across concurrent ones, so it may be passed by a
 * few entries (one per thread offering at that moment).
 */
final class PendingRefreshes {

    static final int MAX_ENTRIES = 500_000;
    /**
     * Room for a refresh of every entry a full default memory tier holds (256 MB of entries at about 1.9 KB each
     * for GitHub's repository objects; a held refresh counts about 1 KB, most of it the headers that the memory
     * tier's copy shares). At 64 MiB, 2 x 50,000 keys revalidated in turn overflowed it and a third of the
     * refreshes were written at once on the event loops (BENCHMARKS.md, step 34).
     */
    static final long MAX_BYTES = 128L * 1024 * 1024;
    /** The map's node, the {@link Pending} and its two instants, besides the key and the headers. */
    private static final long OVERHEAD = HeapSize.object(4 * HeapSize.REFERENCE + 4)
            + HeapSize.object(4 * HeapSize.REFERENCE + 3 * 4 + 2 * 8) + 2 * HeapSize.object(12);
    /** What a value that is not a response (a Vary marker) is counted as. */
    private static final long SMALL = 64;

    /** One waiting refresh; identity equality, so {@link #take} removes exactly what was read. */
    static final class Pending {
        /** A value held whole (not a response), else null. */
        private final Stored whole;
        private final int status;
        private final HeaderList headers;
        private final Instant storedAt;
        private final Instant expiresAt;
        private final int bodyLength;
        private final int bodyCrc;
        final long behindSinceMs;
        final long bytes;

        /** {@code bodyCrc}: {@link #crc} of a response's body, computed before the map's lock is taken. */
        private Pending(Stored value, int bodyCrc, long behindSinceMs, long bytes) {
            this.behindSinceMs = behindSinceMs;
            this.bytes = bytes;
            if (value instanceof CachedResponse r) {
                this.whole = null;
                this.status = r.status();
                this.headers = r.headers();
                this.storedAt = r.storedAt();
                this.expiresAt = r.expiresAt();
                this.bodyLength = r.body().length;
                this.bodyCrc = bodyCrc;
            } else {
                this.whole = value;
                this.status = 0;
                this.headers = null;
                this.storedAt = null;
                this.expiresAt = null;
                this.bodyLength = 0;
                this.bodyCrc = 0;
            }
        }

        /** True when the value is held whole and needs no disk copy. */
        boolean isWhole() {
            return whole != null;
        }

        /**
         * The refreshed value, made from the disk copy {@code onDisk} (may be null); null if this refresh does not
         * apply to it (no copy, or a copy with another body or status).
         */
        Stored over(Stored onDisk) {
            if (whole != null) {
                return whole;
            }
            if (onDisk instanceof CachedResponse r && r.status() == status && r.body().length == bodyLength
                    && crc(r.body()) == bodyCrc) {
                return r.withHeadersAndLifetime(headers, storedAt, expiresAt);
            }
            return null;
        }

        private static int crc(byte[] body) {
            CRC32C crc = new CRC32C();
            crc.update(body);
            return (int) crc.getValue();
        }
    }

    private final ConcurrentHashMap<String, Pending> byKey = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * Holds {@code value} as the key's newest refresh; keeps the time the key fell behind if it already was.
     * False (nothing held) when full: the caller writes the value at once.
     */
    boolean offer(String key, Stored value, long nowMs) {
        long size = value instanceof CachedResponse r ? OVERHEAD + HeapSize.string(key) + r.headers().heapBytes()
                : SMALL;
        int bodyCrc = value instanceof CachedResponse r ? Pending.crc(r.body()) : 0;
        boolean[] held = {true};
        byKey.compute(key, (k, old) -> {
            if (old == null && (byKey.size() >= MAX_ENTRIES || bytes.get() + size > MAX_BYTES)) {
                held[0] = false;
                return null;
            }
            bytes.addAndGet(size - (old == null ? 0 : old.bytes));
            return new Pending(value, bodyCrc, old == null ? nowMs : old.behindSinceMs, size);
        });
        return held[0];
    }

    /** The key's refresh not yet written, or null. */
    Pending get(String key) {
        return byKey.get(key);
    }

    /** Forgets the key's refresh: a newer put or a remove supersedes it. */
    void drop(String key) {
        Pending p = byKey.remove(key);
        if (p != null) {
            bytes.addAndGet(-p.bytes);
        }
    }

    void dropIf(String prefix, Predicate<String> keyFilter) {
        for (String key : byKey.keySet()) {
            if (key.startsWith(prefix) && keyFilter.test(key)) {
                drop(key);
            }
        }
    }

    /** The refreshes behind since {@code cutoffMs} or earlier ({@code Long.MAX_VALUE}: all of them). */
    List<Map.Entry<String, Pending>> due(long cutoffMs) {
        List<Map.Entry<String, Pending>> out = new ArrayList<>();
        for (Map.Entry<String, Pending> e : byKey.entrySet()) {
            if (e.getValue().behindSinceMs <= cutoffMs) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    /** Whether the key's refresh is still {@code p} (not replaced or dropped since it was read). */
    boolean holds(String key, Pending p) {
        return byKey.get(key) == p;
    }

    /** Forgets every refresh; returns how many there were. */
    int clear() {
        int n = 0;
        for (String key : byKey.keySet()) {
            Pending p = byKey.remove(key);
            if (p != null) {
                bytes.addAndGet(-p.bytes);
                n++;
            }
        }
        return n;
    }

    /** Removes the key's refresh if it is still {@code p} (not replaced or dropped since it was read). */
    boolean take(String key, Pending p) {
        if (byKey.remove(key, p)) {
            bytes.addAndGet(-p.bytes);
            return true;
        }
        return false;
    }

    int size() {
        return byKey.size();
    }

    long bytes() {
        return bytes.get();
    }
}
