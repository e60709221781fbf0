package io.githubcache.metrics;

import io.githubcache.cache.CacheStatus;
import io.githubcache.http.StatusHeaders;
import io.githubcache.route.CacheEvents;
import io.githubcache.route.ProxyExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own metrics, fed by the routes through {@link CacheEvents}: requests by cache status and
 * response status class, coalesced requests, upstream requests by status and their latency, upstream
 * requests saved, and the rate-limit numbers GitHub last reported per token fingerprint and resource.
 * Every label has a bounded set of values (no paths, no tokens). Meters on the request path are looked up
 * in arrays or small maps, not built per request.
 */
public final class CacheMetrics implements CacheEvents {

    private static final Logger LOG = LoggerFactory.getLogger(CacheMetrics.class);

    /** Why an answer cost no rate limit; the {@code reason} label of {@value #SAVED}. */
    public enum SavedReason {
        /** Served from a fresh entry, no upstream request. */
        HIT("hit"),
        /** Waited for another request's upstream response and was answered from it. */
        COALESCED("coalesced"),
        /** The upstream answered a conditional request with 304 (GitHub does not count those). */
        NOT_MODIFIED("not_modified"),
        /** Answered from the cache, or with GitHub's earlier refusal, while the token was rate limited. */
        RATE_LIMITED("rate_limited");

        private final String label;

        SavedReason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static final String REQUESTS = "github.cache.requests";
    public static final String COALESCED = "github.cache.requests.coalesced";
    public static final String UPSTREAM_REQUESTS = "github.cache.upstream.requests";
    public static final String UPSTREAM_DURATION = "github.cache.upstream.request.duration";
    public static final String SAVED = "github.cache.upstream.requests.saved";
    public static final String RATELIMIT_LIMIT = "github.cache.ratelimit.limit";
    public static final String RATELIMIT_REMAINING = "github.cache.ratelimit.remaining";
    public static final String RATELIMIT_RESET = "github.cache.ratelimit.reset.timestamp";

    /** Upper bound on token x resource series, so a flood of distinct tokens cannot grow the scrape forever. */
    public static final int MAX_RATE_LIMIT_SERIES = 500;

    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final Counter[][] requests = new Counter[CacheStatus.values().length][CLASSES.length];
    private final Counter coalesced;
    private final Counter[] saved = new Counter[SavedReason.values().length];
    /** Index = status code 100..599; index 0 = no answer ({@code error}). Filled on first use. */
    private final AtomicReferenceArray<Counter> upstreamByStatus = new AtomicReferenceArray<>(600);
    /** Index = status class 0..4 as in {@link #CLASSES}, 5 = {@code error}. Filled on first use. */
    private final AtomicReferenceArray<Timer> latencyByClass = new AtomicReferenceArray<>(CLASSES.length + 1);
    private final Map<String, RateLimitNumbers> rateLimits = new ConcurrentHashMap<>();
    private final AtomicBoolean rateLimitCapLogged = new AtomicBoolean();

    public CacheMetrics(MeterRegistry registry) {
        this.registry = registry;
        // every final status class exists from the start (0), so rate() and ratios work before the first request
        for (CacheStatus s : CacheStatus.values()) {
            for (int c = 1; c < CLASSES.length; c++) {
                requests[s.ordinal()][c] = requestCounter(s, c);
            }
        }
        coalesced = Counter.builder(COALESCED)
                .description("Requests that waited for another request's upstream response and were answered from it")
                .register(registry);
        for (SavedReason r : SavedReason.values()) {
            saved[r.ordinal()] = Counter.builder(SAVED)
                    .description("Requests answered without spending GitHub rate limit, by reason")
                    .tag("reason", r.label())
                    .register(registry);
        }
    }

    private Counter requestCounter(CacheStatus s, int statusClass) {
        return Counter.builder(REQUESTS)
                .description("Requests answered by the proxy, by X-Github-Cache-Status and response status class")
                .tag("cache_status", s.headerValue())
                .tag("status_class", CLASSES[statusClass])
                .register(registry);
    }

    @Override
    public void responded(ProxyExchange px, int clientStatus) {
        countRequest(px.status(), clientStatus);
        if (px.collapsed()) {
            coalesced.increment();
        }
        SavedReason reason = savedReason(px);
        if (reason != null) {
            saved[reason.ordinal()].increment();
        }
    }

    @Override
    public void refused(int clientStatus) {
        countRequest(StatusHeaders.REJECTED_STATUS, clientStatus);
    }

    private void countRequest(CacheStatus status, int clientStatus) {
        int c = classIndex(clientStatus);
        Counter counter = requests[status.ordinal()][c];
        if (counter == null) {
            // 1xx only (never a final status in practice); registering twice returns the same counter
            counter = requestCounter(status, c);
            requests[status.ordinal()][c] = counter;
        }
        counter.increment();
    }

    /** Null when the request spent (or may have spent) rate limit: it went upstream for a full answer, or failed. */
    static SavedReason savedReason(ProxyExchange px) {
        if (px.collapsed()) {
            return SavedReason.COALESCED;
        }
        if ("rate-limited".equals(px.detail())) {
            return SavedReason.RATE_LIMITED;
        }
        if (px.status() == CacheStatus.HIT) {
            return SavedReason.HIT;
        }
        if (px.status() == CacheStatus.REVALIDATED) {
            return SavedReason.NOT_MODIFIED;
        }
        return null;
    }

    @Override
    public void upstreamAnswered(int status, long nanos) {
        boolean answered = status >= 100 && status <= 599;
        int s = answered ? status : 0;
        Counter counter = upstreamByStatus.get(s);
        if (counter == null) {
            // registering an existing meter returns it, so a race here only builds the same counter twice
            counter = Counter.builder(UPSTREAM_REQUESTS)
                    .description("Requests sent to the upstream, by its response status (error: no response at all)")
                    .tag("status", answered ? Integer.toString(status) : "error")
                    .register(registry);
            upstreamByStatus.set(s, counter);
        }
        counter.increment();
        int c = answered ? classIndex(status) : CLASSES.length;
        Timer timer = latencyByClass.get(c);
        if (timer == null) {
            timer = Timer.builder(UPSTREAM_DURATION)
                    .description("Time from sending a request upstream to having its whole response, by status class")
                    .tag("status_class", answered ? CLASSES[c] : "error")
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry);
            latencyByClass.set(c, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rateLimitSeen(String fingerprint, String resource, long limit, long remaining, long resetEpochSeconds) {
        String token = fingerprint == null || fingerprint.isEmpty() || "-".equals(fingerprint) ? "anonymous" : fingerprint;
        String res = resource == null || resource.isBlank() ? "unknown" : resource;
        String key = token + '\n' + res;
        RateLimitNumbers n = rateLimits.get(key);
        if (n == null) {
            if (rateLimits.size() >= MAX_RATE_LIMIT_SERIES) {
                if (rateLimitCapLogged.compareAndSet(false, true)) {
                    LOG.warn("More than {} token/resource pairs seen: rate-limit metrics of further tokens are not "
                            + "exported", MAX_RATE_LIMIT_SERIES);
                }
                return;
            }
            n = rateLimits.computeIfAbsent(key, k -> register(token, res));
        }
        n.limit = limit;
        n.remaining = remaining;
        n.reset = resetEpochSeconds;
    }

    private RateLimitNumbers register(String token, String resource) {
        RateLimitNumbers n = new RateLimitNumbers();
        Gauge.builder(RATELIMIT_LIMIT, n, x -> x.limit)
                .description("X-RateLimit-Limit last reported by GitHub for a token (by fingerprint) and resource")
                .tag("token_fingerprint", token).tag("resource", resource)
                .strongReference(true).register(registry);
        Gauge.builder(RATELIMIT_REMAINING, n, x -> x.remaining)
                .description("X-RateLimit-Remaining last reported by GitHub for a token (by fingerprint) and resource")
                .tag("token_fingerprint", token).tag("resource", resource)
                .strongReference(true).register(registry);
        Gauge.builder(RATELIMIT_RESET, n, x -> x.reset)
                .description("X-RateLimit-Reset last reported by GitHub (Unix time) for a token (by fingerprint) "
                        + "and resource")
                .baseUnit("seconds")
                .tag("token_fingerprint", token).tag("resource", resource)
                .strongReference(true).register(registry);
        return n;
    }

    private static int classIndex(int status) {
        int c = status / 100 - 1;
        return c < 0 ? 0 : Math.min(c, CLASSES.length - 1);
    }

    /** The last numbers seen for one token fingerprint and resource; read by the gauges at scrape time. */
    private static final class RateLimitNumbers {
        volatile double limit = Double.NaN;
        volatile double remaining = Double.NaN;
        volatile double reset = Double.NaN;
    }
}
