package io.githubcache.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The shared Redis tier in health and metrics. Redis being unavailable degrades the proxy (no sharing across
 * replicas) but does not make it unable to serve, so this check stays UP with detail {@code redis: degraded}
 * (an orchestrator must not restart every replica because the shared store is down); the gauge
 * {@code github_cache_redis_up} (0/1) and the counter {@code github_cache_redis_errors_total} are what to
 * alert on.
 */
public final class RedisHealthCheck extends AbstractHealthCheck {

    public static final String ID = "github-cache-redis";
    public static final String BEAN = "githubCacheRedisHealthCheck";
    public static final String UP_GAUGE = "github.cache.redis.up";
    public static final String ERRORS_COUNTER = "github.cache.redis.errors";

    private final RedisEntryStore redis;

    public RedisHealthCheck(RedisEntryStore redis) {
        super("github-cache", ID);
        this.redis = redis;
    }

    /** Binds the health check bean and registers the two meters. */
    public static void install(CamelContext context, RedisEntryStore redis, MeterRegistry registry) {
        context.getRegistry().bind(BEAN, new RedisHealthCheck(redis));
        Gauge.builder(UP_GAUGE, redis, r -> r.isUp() ? 1 : 0)
                .description("1 while the shared Redis tier answers, 0 while the proxy runs without it")
                .strongReference(true).register(registry);
        FunctionCounter.builder(ERRORS_COUNTER, redis, RedisEntryStore::errors)
                .description("Redis calls that failed or timed out (each one served without the shared tier)")
                .register(registry);
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    public boolean isLiveness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        boolean up = redis.isUp();
        builder.detail("redis", up ? "up" : "degraded");
        if (!up) {
            builder.message("Redis unavailable: serving from the memory tier and upstream, not shared");
        }
        builder.up();
    }
}
