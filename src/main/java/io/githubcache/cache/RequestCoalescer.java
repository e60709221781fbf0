package io.githubcache.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * nginx's {@code proxy_cache_lock}, extended to expired entries: one request per key goes upstream, the
 * others wait on a future (no polling) and are answered from its result. After {@code lockAge} one more
 * request may go upstream (the first may be stuck); a waiter gives up after {@code lockTimeout} (enforced
 * by the caller) and fetches on its own without storing.
 */
public final class RequestCoalescer {

    /** One fetch in flight. */
    public static final class Fill {
        private final Instant startedAt;
        private final CompletableFuture<FillResult> result = new CompletableFuture<>();

        Fill(Instant startedAt) {
            this.startedAt = startedAt;
        }

        public CompletableFuture<FillResult> result() {
            return result;
        }
    }

    /** The role a request gets: fetch it ({@code leader}) or wait for {@code fill}. */
    public record Ticket(boolean leader, Fill fill) {
    }

    private final ConcurrentHashMap<String, Fill> fills = new ConcurrentHashMap<>();
    private final Duration lockAge;

    public RequestCoalescer(Duration lockAge) {
        this.lockAge = lockAge;
    }

    public Ticket acquire(String key, Instant now) {
        boolean[] leader = {false};
        Fill fill = fills.compute(key, (k, existing) -> {
            if (existing == null || existing.result.isDone()
                    || !now.isBefore(existing.startedAt.plus(lockAge))) {
                leader[0] = true;
                return new Fill(now);
            }
            return existing;
        });
        return new Ticket(leader[0], fill);
    }

    /**
     * The fetch a request for {@code key} would wait for, or null when it would lead (none in flight, or the one
     * in flight is older than {@code lockAge}). Takes no ticket.
     */
    public Fill waitable(String key, Instant now) {
        Fill existing = fills.get(key);
        if (existing == null || existing.result.isDone() || !now.isBefore(existing.startedAt.plus(lockAge))) {
            return null;
        }
        return existing;
    }

    /** Publishes the leader's result to its waiters and frees the key. Safe to call more than once. */
    public void complete(String key, Fill fill, FillResult result) {
        fills.remove(key, fill);
        fill.result.complete(result);
    }

    public int inFlight() {
        return fills.size();
    }
}
