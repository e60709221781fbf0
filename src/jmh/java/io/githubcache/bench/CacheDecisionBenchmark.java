package io.githubcache.bench;

import io.githubcache.cache.CacheKey;
import io.githubcache.cache.CacheKeyGenerator;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.Freshness;
import io.githubcache.cache.Header;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.HttpCache;
import io.githubcache.cache.MemoryEntryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pure cache-decision path of a request, without Camel or Netty: build the key
 * ({@link CacheKeyGenerator#keyFor}), find the entry ({@link HttpCache#lookup} over the Caffeine
 * {@link MemoryEntryStore}), and decide whether it is fresh ({@link Freshness#isFresh}).
 *
 * <p>Run with {@code mvn -B -Pjmh test-compile exec:exec@jmh} (see BENCHMARKS.md). The name does not end in
 * {@code Test}, and the class lives in src/jmh/java, which only the {@code jmh} profile compiles.
 *
 * <p>Parameters: {@code auth} is an anonymous client or one with a token (SHA-256 of the Authorization
 * header in every key); {@code vary} is a stored response without {@code Vary} or with GitHub's two
 * {@code Vary} lines (then a lookup reads a Vary marker and hashes the selecting request headers).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CacheDecisionBenchmark {

    private static final String UPSTREAM = "https://api.github.com";
    private static final int ENTRIES = 10_000;

    @Param({"anonymous", "token"})
    public String auth;

    @Param({"none", "github"})
    public String vary;

    private final CacheKeyGenerator keys = new CacheKeyGenerator();
    private final Freshness freshness = new Freshness(Duration.ofDays(1));
    private HttpCache cache;
    private HeaderList requestHeaders;
    private String[] targets;
    private CacheKey[] precomputedKeys;
    private CachedResponse someEntry;
    private Instant now;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<Header> req = new ArrayList<>();
        req.add(new Header("Host", "localhost:3000"));
        req.add(new Header("User-Agent", "octokit-rest.js/20.0.2"));
        req.add(new Header("Accept", "application/vnd.github+json"));
        req.add(new Header("X-GitHub-Api-Version", "2022-11-28"));
        req.add(new Header("Accept-Encoding", "gzip, deflate, br"));
        if (auth.equals("token")) {
            req.add(new Header("Authorization", "Bearer ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"));
        }
        requestHeaders = HeaderList.of(req);

        List<Header> resp = new ArrayList<>();
        resp.add(new Header("Content-Type", "application/json; charset=utf-8"));
        resp.add(new Header("Cache-Control", "private, max-age=60, s-maxage=60"));
        if (vary.equals("github")) {
            resp.add(new Header("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP"));
            resp.add(new Header("Vary", "Accept-Encoding, Accept, X-Requested-With"));
        }
        resp.add(new Header("ETag", "W/\"6b070d3f0123456789abcdef\""));
        resp.add(new Header("Last-Modified", "Wed, 25 Nov 2026 16:30:55 GMT"));
        resp.add(new Header("X-RateLimit-Limit", "5000"));
        resp.add(new Header("X-RateLimit-Remaining", "4999"));
        resp.add(new Header("X-RateLimit-Reset", "4102444800"));
        resp.add(new Header("X-RateLimit-Used", "1"));
        resp.add(new Header("X-RateLimit-Resource", "core"));
        resp.add(new Header("Content-Encoding", "gzip"));
        HeaderList responseHeaders = HeaderList.of(resp);
        byte[] body = "{\"id\":1296269,\"full_name\":\"octocat/Hello-World\"}".repeat(16).getBytes(StandardCharsets.UTF_8);

        cache = new HttpCache(new MemoryEntryStore(256L * 1024 * 1024, Duration.ofHours(1)));
        now = Instant.parse("2026-11-25T16:31:00Z");
        targets = new String[ENTRIES];
        precomputedKeys = new CacheKey[ENTRIES];
        for (int i = 0; i < ENTRIES; i++) {
            targets[i] = "/repos/octocat/hello-world-" + i + "/issues?state=open&per_page=100";
            precomputedKeys[i] = keys.keyFor(UPSTREAM, targets[i], requestHeaders);
            CachedResponse r = new CachedResponse(200, responseHeaders, body, now.minusSeconds(1), now.plusSeconds(59));
            if (!cache.store(precomputedKeys[i], requestHeaders, r)) {
                throw new IllegalStateException("not stored: " + targets[i]);
            }
        }
        someEntry = cache.lookup(precomputedKeys[0], requestHeaders);
        if (someEntry == null || !freshness.isFresh(someEntry, now)) {
            throw new IllegalStateException("the benchmark's entries must be fresh hits");
        }
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == ENTRIES ? 0 : i + 1;
        return i;
    }

    /** Key construction alone: partition hash (token), Accept and API version normalisation, key string parts. */
    @Benchmark
    public CacheKey keyFor() {
        return keys.keyFor(UPSTREAM, targets[nextIndex()], requestHeaders);
    }

    /** Lookup alone, with a ready key: key string, Caffeine get, Vary marker and variant hash if any. */
    @Benchmark
    public CachedResponse lookup() {
        return cache.lookup(precomputedKeys[nextIndex()], requestHeaders);
    }

    /** Freshness alone. */
    @Benchmark
    public boolean isFresh() {
        return freshness.isFresh(someEntry, now);
    }

    /** The whole decision of a cache hit, as CacheLookup makes it: key, lookup, fresh. */
    @Benchmark
    public void decideHit(Blackhole bh) {
        CacheKey key = keys.keyFor(UPSTREAM, targets[nextIndex()], requestHeaders);
        CachedResponse entry = cache.lookup(key, requestHeaders);
        bh.consume(entry != null && freshness.isFresh(entry, now));
    }

    /** The same for a target that is not cached (a miss). */
    @Benchmark
    public void decideMiss(Blackhole bh) {
        CacheKey key = keys.keyFor(UPSTREAM, "/repos/octocat/not-cached/pulls", requestHeaders);
        CachedResponse entry = cache.lookup(key, requestHeaders);
        bh.consume(entry != null && freshness.isFresh(entry, now));
    }
}
