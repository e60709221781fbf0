package io.githubcache.ops;

import io.githubcache.cache.HttpCache;
import io.githubcache.metrics.CacheMetrics;
import io.githubcache.metrics.StoreMetrics;
import io.githubcache.metrics.StoreTier;
import io.githubcache.route.CacheEvents;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the operations side into a Camel context: the Prometheus registry Camel's {@code /observe/metrics}
 * scrapes (with the proxy's metrics, the store tiers and JVM metrics), the store health check behind
 * {@code /observe/health}, {@code DELETE /cache} on the management port, the graceful shutdown timeout,
 * and closing the store once the routes have drained.
 *
 * <p>Two steps, because Camel Main applies its own configuration in between: {@link #install} before Camel's
 * auto-configuration (so the registry and the health check are found by it), {@link #afterConfigure} after
 * it (so the shutdown timeout is not overwritten, and the management server exists).
 */
public final class Operations {

    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);
    public static final String STORE_HEALTH_BEAN = "githubCacheStoreHealthCheck";
    public static final String STORE_LIVENESS_BEAN = "githubCacheStoreLivenessCheck";

    private final OpsSettings settings;
    private final HttpCache cache;
    private final PrometheusMeterRegistry registry;
    private final CacheMetrics metrics;
    private JvmGcMetrics gcMetrics;

    private Operations(OpsSettings settings, HttpCache cache, PrometheusMeterRegistry registry) {
        this.settings = settings;
        this.cache = cache;
        this.registry = registry;
        this.metrics = new CacheMetrics(registry);
    }

    /** Before Camel's auto-configuration: registry, meters, health check, store lifecycle. */
    public static Operations install(CamelContext context, int proxyPort, HttpCache cache, List<StoreTier> tiers) {
        OpsSettings settings = OpsSettings.load(key -> context.getPropertiesComponent().resolveProperty(key), proxyPort);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Camel's MicrometerPrometheus (camel.metrics.enabled) finds and serves this registry
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        Operations ops = new Operations(settings, cache, registry);
        new StoreMetrics(tiers).bindTo(registry);
        Gauge.builder("github.cache.requests.in.flight", context, c -> c.getInflightRepository().size())
                .description("Requests being processed right now (during a graceful shutdown: still draining)")
                .register(registry);
        ops.bindJvmMetrics();
        context.getRegistry().bind(STORE_HEALTH_BEAN, StoreHealthCheck.readiness(tiers));
        context.getRegistry().bind(STORE_LIVENESS_BEAN, StoreHealthCheck.liveness(tiers));
        try {
            // services stop after the routes have drained: the store is closed last
            context.addService(ops.new StoreLifecycle(), true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the store lifecycle", e);
        }
        return ops;
    }

    /** After Camel's auto-configuration: shutdown timeout, purge endpoint on the management server. */
    public void afterConfigure(CamelContext context) {
        context.getShutdownStrategy().setTimeUnit(TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(Math.max(1, settings.shutdownTimeout().toMillis()));
        try {
            context.addService(new PurgeEndpoint(cache), true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the purge endpoint", e);
        }
    }

    /** What the routes report to; the metrics. */
    public CacheEvents events() {
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public OpsSettings settings() {
        return settings;
    }

    private void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Closes the store (and the GC metrics' listeners) when Camel stops its services, after the routes. */
    private final class StoreLifecycle extends ServiceSupport {
        @Override
        protected void doStop() {
            try {
                cache.store().close();
                LOG.info("Cache store closed");
            } catch (Exception e) {
                LOG.warn("Closing the cache store failed", e);
            }
            if (gcMetrics != null) {
                gcMetrics.close();
            }
        }
    }
}
