package io.githubcache.store;

import java.time.Duration;

/**
 * How often a lower tier (disk, Redis) hears that an entry is still in use. Hits served from the memory tier
 * never reach it, yet its inactive purge ({@code github.cache.inactive}), its LRU eviction
 * ({@code github.cache.max-disk}) and Redis's key expiry all go by the last use it heard of.
 *
 * <p>The interval is a quarter of {@code inactive}, so an entry in use is reported at least three times before
 * the lower tier would give it up, even when a report is delayed by the disk tier's batching or lost with a
 * Redis error; and at most {@value #CAP_SECONDS} s, the disk tier's own granularity for reads, which bounds the
 * cost to one report per hot entry per minute (a few map updates, batched on the disk thread; one asynchronous
 * {@code PEXPIRE} for Redis). That also bounds how far a hot entry's place in the disk's LRU order lags its real
 * last use: one minute. A hot entry therefore loses its place to cold ones only when the disk tier takes in its
 * whole {@code max-disk} budget of new entries within a minute, at which point the tier holds less than a minute
 * of misses and no recency order would keep much.
 */
public final class TouchInterval {

    static final long CAP_SECONDS = 60;
    private static final long CAP_NANOS = Duration.ofSeconds(CAP_SECONDS).toNanos();
    private static final long FLOOR_NANOS = Duration.ofMillis(1).toNanos();

    private final long nanos;

    private TouchInterval(long nanos) {
        this.nanos = nanos;
    }

    public static TouchInterval forInactive(Duration inactive) {
        long quarter = inactive.compareTo(Duration.ofDays(365L * 100)) > 0 ? CAP_NANOS : inactive.toNanos() / 4;
        return new TouchInterval(Math.max(FLOOR_NANOS, Math.min(CAP_NANOS, quarter)));
    }

    public long nanos() {
        return nanos;
    }

    public long millis() {
        return nanos / 1_000_000;
    }

    /**
     * Whether a use at {@code now} must be reported, the last report having been at {@code lastTold} (0: never,
     * e.g. a copy put into the memory tier directly).
     */
    public boolean due(long lastTold, long now) {
        return lastTold == 0 || now - lastTold >= nanos;
    }
}
