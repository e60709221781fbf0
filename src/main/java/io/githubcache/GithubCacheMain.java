package io.githubcache;

import io.githubcache.cache.FillLock;
import io.githubcache.cache.HttpCache;
import io.githubcache.cache.MemoryEntryStore;
import io.githubcache.store.DiskEntryStore;
import io.githubcache.store.TieredEntryStore;
import io.githubcache.config.SettingValues;
import io.githubcache.config.Settings;
import io.githubcache.config.SettingsSource;
import io.githubcache.http.ProxyHeaderFilterStrategy;
import io.githubcache.http.ProxyHttpBinding;
import io.githubcache.http.RequestGuard;
import io.githubcache.http.UpstreamCorrelation;
import io.githubcache.http.UpstreamResponseGuard;
import io.githubcache.route.FreshHitHandler;
import io.githubcache.metrics.StoreTier;
import io.githubcache.ops.Operations;
import io.githubcache.redis.RedisEntryStore;
import io.githubcache.redis.RedisFillLock;
import io.githubcache.redis.RedisHealthCheck;
import io.githubcache.redis.RedisSettings;
import io.githubcache.route.CacheServices;
import io.githubcache.route.CachingProxyRouteTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles github-cache on Camel Main: reads and checks the settings, builds the cache and its services,
 * registers the route template, and lets Camel load the YAML routes that instantiate it. Used by
 * {@link Application} and, with property overrides and a test clock, by the end-to-end tests.
 */
public final class GithubCacheMain {

    private static final Logger LOG = LoggerFactory.getLogger(GithubCacheMain.class);
    public static final String ROUTES_PATTERN_KEY = "camel.main.routes-include-pattern";
    /**
     * Settings whose values Camel's startup "Auto-configuration summary" shows as {@code xxxxxx}. Camel masks a key
     * whose last segment, lower-cased without dashes, is one of its own words ({@code password}, {@code secret}...)
     * or a substring of this list (CamelContextHelper.containsSensitive in 4.18): {@code redis-password} is neither
     * on its own, and a Redis URL may carry a password. The redacted URL is logged when the Redis tier starts.
     */
    static final String SENSITIVE_SETTINGS = "redispassword,redisurl";

    private final Main main = new Main();
    private final Clock clock;
    private volatile CacheServices services;
    private volatile Operations operations; // ops (issue 5)
    private volatile TieredEntryStore store;
    private volatile RedisEntryStore redis;
    /** How often a replica waiting for another replica's fill looks in Redis when no signal came. */
    static final Duration REDIS_RECHECK = Duration.ofMillis(150);

    /**
     * Vert.x (only the management server's) resolves names with the JVM's resolver instead of setting up Netty's
     * DNS client: it binds one port and never looks a name up, and setting that client up was 50-70 ms of the main
     * thread before the proxy's port binds (BENCHMARKS.md step 26). {@code -Dvertx.disableDnsResolver=false} keeps
     * Vert.x's own.
     */
    static final String VERTX_DNS_RESOLVER_OFF = "vertx.disableDnsResolver";

    public GithubCacheMain(Map<String, String> overrides, Clock clock) {
        System.getProperties().putIfAbsent(VERTX_DNS_RESOLVER_OFF, "true");
        this.clock = clock;
        main.addInitialProperty(ROUTES_PATTERN_KEY, defaultRoutesPattern());
        main.configure().setAdditionalSensitiveKeywords(SENSITIVE_SETTINGS);
        overrides.forEach(main::addOverrideProperty);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                configure(support.getCamelContext());
            }

            // ops (issue 5): after Camel's auto-configuration, which would overwrite the shutdown timeout
            @Override
            public void afterConfigure(BaseMainSupport support) {
                operations.afterConfigure(support.getCamelContext());
            }

        });
    }

    /**
     * The YAML routes next to the working directory when present (so users can add upstreams), else the one the
     * jar carries, named exactly: a {@code classpath:} wildcard makes Camel read every entry of the 28 MB jar,
     * which took 3-4 s of a 6-7 s startup.
     */
    static String defaultRoutesPattern() {
        return Files.isDirectory(Path.of("routes")) ? "file:routes/*.yaml" : "classpath:" + PACKAGED_ROUTES;
    }

    /** The routes inside the jar (a copy of the repository's {@code routes/} folder). */
    static final String PACKAGED_ROUTES = "routes/github.yaml";

    private void configure(CamelContext context) {
        Settings settings = Settings.load(key -> context.getPropertiesComponent().resolveProperty(key));
        SettingValues.requireFreePort(Settings.PREFIX + "port", Integer.toString(settings.port()), settings.port());
        LOG.info("github-cache settings: {}", settings.describe());
        String heapWarning = heapWarning(settings.maxMemory(), Runtime.getRuntime().maxMemory());
        if (heapWarning != null) {
            LOG.warn(heapWarning);
        }
        // two tiers: Caffeine in memory over a shared Redis (issue 7) or the crash-safe disk store (issue 4)
        MemoryEntryStore memory = new MemoryEntryStore(settings.maxMemory(), settings.inactive());
        StoreTier memoryTier = new StoreTier("memory", memory::entryCount, memory::weightedSize, memory::maxBytes,
                memory::evictions, memory::isOpen);
        RedisSettings redisSettings = RedisSettings.load(key -> context.getPropertiesComponent().resolveProperty(key));
        settings.warnings(!redisSettings.enabled()).forEach(LOG::warn);
        StoreTier lowerTier;
        FillLock fillLock = FillLock.NONE;
        if (redisSettings.enabled()) {
            // memory as a small per-replica L1 over Redis, shared by every replica
            RedisEntryStore r = new RedisEntryStore(redisSettings, settings.inactive());
            redis = r;
            store = new TieredEntryStore(memory, r, settings.inactive(), clock);
            fillLock = new RedisFillLock(r, memory, settings.lockAge(), REDIS_RECHECK);
            // open while Redis is down too: the proxy is degraded, not down (see RedisHealthCheck)
            lowerTier = new StoreTier("redis", r::entryCount, r::weightedSize, () -> 0L, () -> 0L, r::isOpen);
        } else {
            DiskEntryStore disk = new DiskEntryStore(settings.cacheDir(), settings.maxDisk(), settings.inactive(), clock);
            store = new TieredEntryStore(memory, disk, settings.inactive(), clock);
            lowerTier = new StoreTier("disk", disk::entryCount, disk::fileSize, disk::maxBytes, disk::evictions,
                    disk::isOpen);
        }
        List<StoreTier> tiers = List.of(memoryTier, lowerTier);
        HttpCache cache = new HttpCache(store);
        try {
            // ops (issue 5): metrics, health, purge, graceful shutdown; the store is closed last on stop
            operations = Operations.install(context, settings.port(), cache, tiers);
        } catch (RuntimeException e) {
            closeStore(); // release the directory lock: startup is failing anyway
            throw e;
        }
        ScheduledExecutorService timer = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "github-cache-timer");
        ExecutorService waiters = context.getExecutorServiceManager()
                .newCachedThreadPool(this, "github-cache-waiters");
        if (redis != null) {
            RedisHealthCheck.install(context, redis, operations.registry());
        }
        services = CacheServices.create(settings, cache, clock, timer, waiters, operations.events(), fillLock);
        // the route resolves the upstream host on an event loop: have it cached before the first request
        io.githubcache.http.UpstreamHosts.SHARED.keepWarm(settings.upstreamBase());
        context.getRegistry().bind(CachingProxyRouteTemplate.BINDING_BEAN, new ProxyHttpBinding());
        context.getRegistry().bind(CachingProxyRouteTemplate.HEADER_FILTER_BEAN, new ProxyHeaderFilterStrategy());
        context.getRegistry().bind(CachingProxyRouteTemplate.UPSTREAM_GUARD_BEAN, new UpstreamResponseGuard());
        context.getRegistry().bind(CachingProxyRouteTemplate.UPSTREAM_CORRELATION_BEAN, new UpstreamCorrelation());
        context.getRegistry().bind(CachingProxyRouteTemplate.GUARD_BEAN,
                new RequestGuard(settings.maxUriLength(), settings.maxRequestBody(), settings.maxUriLength() + 64,
                        settings.maxHeaderSize()).withIdleTimeout(clientIdleTimeout(settings))
                        .withEvents(operations.events())
                        .withHandlerAfterAggregator(FreshHitHandler.NAME, () -> new FreshHitHandler(services,
                                () -> context.getStatus().isStarted(), () -> context.getStatus().isStopping())));
        try {
            context.addRoutes(new CachingProxyRouteTemplate(services));
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the route template", e);
        }
    }

    /**
     * The memory tier counts stored bytes; the objects around them and the requests in flight need room too.
     * A heap under twice {@code max-memory} risks long GC pauses or OutOfMemoryError once the tier is full.
     */
    static String heapWarning(long maxMemory, long maxHeap) {
        if (maxHeap == Long.MAX_VALUE || maxHeap >= 2 * maxMemory) {
            return null;
        }
        return "the JVM's max heap (" + io.githubcache.config.Units.formatSize(maxHeap) + ") is less than twice "
                + "github.cache.max-memory (" + io.githubcache.config.Units.formatSize(maxMemory) + "): raise -Xmx or "
                + "lower GITHUB_CACHE_MAX_MEMORY";
    }

    /** Never shorter than the longest a request may legitimately wait for its answer. */
    static Duration clientIdleTimeout(Settings s) {
        Duration floor = s.upstreamTimeout().plus(s.lockTimeout()).plusSeconds(2);
        return s.clientIdleTimeout().compareTo(floor) < 0 ? floor : s.clientIdleTimeout();
    }

    private void closeStore() {
        TieredEntryStore s = store;
        if (s != null) {
            store = null;
            s.close();
        }
    }

    public Main camelMain() {
        return main;
    }

    /** The shared Redis tier when {@code github.cache.store=redis}, else null. */
    public RedisEntryStore redis() {
        return redis;
    }

    public CacheServices services() {
        return services;
    }

    /** Metrics registry, operations settings (issue 5). */
    public Operations operations() {
        return operations;
    }

    /** Starts without blocking (tests). */
    public void start() throws Exception {
        main.start();
    }

    public void stop() throws Exception {
        main.stop();
    }

    /** Runs until the JVM is asked to stop (the application). */
    public void run(String[] args) throws Exception {
        main.run(args);
    }

    /** For messages that name the environment variable of a key. */
    static String envOf(String key) {
        return SettingsSource.envName(key);
    }
}
